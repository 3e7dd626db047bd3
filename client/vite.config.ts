import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The web app. `vite build` writes dist/, which the server serves (npm start).
// In development (`pnpm --filter @stint/client dev`) /api is proxied to the server.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', target: 'es2023' },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});
