import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

function runMain(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN], { env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

describe('start-up', () => {
  test('a bad PORT stops start-up with exit 1 and one line naming PORT', async () => {
    const { code, stdout, stderr } = await runMain({ PORT: 'eighty' });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe('Invalid configuration: PORT must be a number (got "eighty")\n');
  });

  test('a bad LOG_LEVEL stops start-up before anything is started', async () => {
    const { code, stderr } = await runMain({ LOG_LEVEL: 'chatty', DATA_DIR: '/nonexistent/never-created' });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([expect.stringContaining('LOG_LEVEL must be one of')]);
  });
});
