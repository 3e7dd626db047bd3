import { describe, expect, test } from 'vitest';
import { loadSignIn, saveSignIn, signIn } from './sign-in.ts';

const ME = { data: { id: 'w1', name: 'Ana', role: 'worker' } };

/** A server answering GET /api/v1/me and GET /api/zero/config with these bodies. */
function server(config: unknown): (input: string) => Promise<Response> {
  return (input) => Promise.resolve(new Response(JSON.stringify(input === '/api/v1/me' ? ME : config), { status: 200 }));
}

function memoryStorage(): Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> {
  const items = new Map<string, string>();
  return { getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value), removeItem: (key) => void items.delete(key) };
}

describe('sign-in', () => {
  test('keeps the server’s stale cutoff with the sign-in', async () => {
    const signedIn = await signIn(' tok ', server({ data: { enabled: true, port: 4848, stale_cutoff_s: 1800 } }));
    expect(signedIn).toEqual({ token: 'tok', user: ME.data, zero: { enabled: true, port: 4848 }, stale_cutoff_s: 1800 });
    const storage = memoryStorage();
    saveSignIn(storage, signedIn);
    expect(loadSignIn(storage)).toEqual(signedIn);
  });

  test('a server that does not say uses the default cutoff of 180 s', async () => {
    expect((await signIn('tok', server({ data: { enabled: false } }))).stale_cutoff_s).toBe(180);
  });

  test('a cutoff that is not a positive number is an unexpected answer', async () => {
    await expect(signIn('tok', server({ data: { enabled: true, port: 4848, stale_cutoff_s: -1 } }))).rejects.toMatchObject({ reason: 'unexpected' });
  });

  test('a sign-in stored before the cutoff was kept still opens, with the default', () => {
    const storage = memoryStorage();
    storage.setItem('stint.session.v1', JSON.stringify({ token: 'tok', user: ME.data, zero: { enabled: true, port: null } }));
    expect(loadSignIn(storage)).toMatchObject({ token: 'tok', stale_cutoff_s: 180 });
  });
});
