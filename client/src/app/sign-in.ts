/**
 * The sign-in: who is signed in on this device, with the bearer token, the
 * user it belongs to, where zero-cache listens and the server's stale
 * cutoff, kept in localStorage so the app opens with no network after one
 * online sign-in.
 *
 *   const signedIn = await signIn(token);     // online: GET /api/v1/me + /api/zero/config
 *   const again = loadSignIn(localStorage);   // offline: what the last sign-in stored
 *
 * Invariants:
 *  1. A sign-in is stored only after the server confirmed the token (GET
 *     /api/v1/me answered 200); a refused token stores nothing.
 *  2. What is read back is decoded with the same schema it was written
 *     with; anything else (an older app's shape, hand edits) reads as "not
 *     signed in", never as half a sign-in. A sign-in stored before the
 *     stale cutoff was kept reads with the default cutoff.
 */
import { z } from 'zod';
import { DEFAULT_STALE_CUTOFF_MS, Role, UserRowSchema } from '@stint/shared';

// The key predates the word "sign-in"; renaming it would sign everyone out.
const STORAGE_KEY = 'stint.session.v1';

/** The stale cutoff (STALE_CUTOFF_S) when the server does not say: 180 s. */
export const DEFAULT_STALE_CUTOFF_S = DEFAULT_STALE_CUTOFF_MS / 1000;
const StaleCutoffSchema = z.number().positive();

export const SignInSchema = z.object({
  token: z.string().min(1),
  user: UserRowSchema.pick({ id: true, name: true, role: true }),
  zero: z.object({ enabled: z.boolean(), port: z.number().int().positive().nullable() }),
  /** The server's STALE_CUTOFF_S: beats this far apart are one unbroken run (DESIGN §3.1). */
  stale_cutoff_s: StaleCutoffSchema.default(DEFAULT_STALE_CUTOFF_S),
});
export type SignIn = z.infer<typeof SignInSchema>;

const MeResponseSchema = z.object({ data: UserRowSchema.pick({ id: true, name: true, role: true }) });
const ZeroConfigResponseSchema = z.object({
  data: z.object({ enabled: z.boolean(), port: z.number().int().positive().nullable().optional(), stale_cutoff_s: StaleCutoffSchema.optional() }),
});

export type SignInFailure = 'refused' | 'unreachable' | 'unexpected';

export class SignInError extends Error {
  readonly reason: SignInFailure;
  constructor(reason: SignInFailure, message: string) {
    super(message);
    this.name = 'SignInError';
    this.reason = reason;
  }
}

type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export function loadSignIn(storage: StorageLike): SignIn | null {
  const raw = storage.getItem(STORAGE_KEY);
  if (raw === null) return null;
  try {
    const parsed = SignInSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function saveSignIn(storage: StorageLike, signedIn: SignIn): void {
  storage.setItem(STORAGE_KEY, JSON.stringify(signedIn));
}

export function clearSignIn(storage: StorageLike): void {
  storage.removeItem(STORAGE_KEY);
}

/** Checks the token with the server and returns the sign-in to store (invariant 1). */
export async function signIn(token: string, doFetch: FetchLike = (input, init) => fetch(input, init)): Promise<SignIn> {
  const trimmed = token.trim();
  if (trimmed === '') throw new SignInError('refused', 'empty token');
  const headers = { authorization: `Bearer ${trimmed}` };
  let me: Response;
  let config: Response;
  try {
    [me, config] = await Promise.all([doFetch('/api/v1/me', { headers }), doFetch('/api/zero/config')]);
  } catch (error) {
    throw new SignInError('unreachable', error instanceof Error ? error.message : String(error));
  }
  if (me.status === 401 || me.status === 403) throw new SignInError('refused', `the server answered ${me.status}`);
  if (!me.ok || !config.ok) throw new SignInError('unexpected', `the server answered ${me.ok ? config.status : me.status}`);
  const user = MeResponseSchema.safeParse(await me.json());
  const zero = ZeroConfigResponseSchema.safeParse(await config.json());
  if (!user.success || !zero.success) throw new SignInError('unexpected', 'the server answered in an unknown shape');
  const { enabled, port, stale_cutoff_s } = zero.data.data;
  return { token: trimmed, user: user.data.data, zero: { enabled, port: port ?? null }, stale_cutoff_s: stale_cutoff_s ?? DEFAULT_STALE_CUTOFF_S };
}

/** A token handed over in the address (`/#token=…`, the sign-in link an admin sends); removed from the address once read. */
export function tokenFromLocation(location: Pick<Location, 'hash'>): string | null {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  return match?.[1] === undefined ? null : decodeURIComponent(match[1]);
}

export function isSupervisor(signedIn: SignIn): boolean {
  return signedIn.user.role === Role.supervisor || signedIn.user.role === Role.admin;
}
