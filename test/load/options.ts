/**
 * The load run's options: each from `--kebab-case=value` on the command line,
 * else the LOAD_* environment variable, else its default (run.ts lists them).
 *
 * Invariants:
 *  1. Every number is checked against its bounds and a bad value stops the
 *     run before anything starts, naming the option.
 *  2. The duration is bounded (at most 900 s), so the run always ends.
 */
export interface LoadOptions {
  readonly durationS: number;
  readonly workers: number;
  readonly devicesPerWorker: number;
  readonly heartbeatS: number;
  readonly heartbeatVia: 'rest' | 'push';
  readonly intentIntervalS: number;
  readonly batch: number;
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly seed: number;
}

const NUMBERS = {
  durationS: { name: 'DURATION_S', default: 60, min: 1, max: 900 },
  workers: { name: 'WORKERS', default: 250, min: 1, max: 10_000 },
  devicesPerWorker: { name: 'DEVICES_PER_WORKER', default: 4, min: 1, max: 100 },
  heartbeatS: { name: 'HEARTBEAT_S', default: 60, min: 1, max: 3_600 },
  intentIntervalS: { name: 'INTENT_INTERVAL_S', default: 30, min: 0.1, max: 3_600 },
  batch: { name: 'BATCH', default: 3, min: 1, max: 500 },
  concurrency: { name: 'CONCURRENCY', default: 100, min: 1, max: 10_000 },
  timeoutMs: { name: 'TIMEOUT_MS', default: 30_000, min: 100, max: 600_000 },
  seed: { name: 'SEED', default: 1, min: 0, max: 2 ** 32 - 1 },
} as const;

export function loadOptions(env: Readonly<Record<string, string | undefined>>, argv: readonly string[]): LoadOptions {
  const args = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z0-9-]+)=(.*)$/.exec(arg);
    if (match === null) throw new Error(`unknown argument ${arg}: use --name=value, e.g. --duration-s=30`);
    args.set((match[1] as string).toUpperCase().replaceAll('-', '_'), match[2] as string);
  }
  const known = new Set<string>([...Object.values(NUMBERS).map((n) => n.name), 'HEARTBEAT_VIA']);
  for (const name of args.keys()) if (!known.has(name)) throw new Error(`unknown option --${name.toLowerCase().replaceAll('_', '-')}`);
  const raw = (name: string): string | undefined => args.get(name) ?? env[`LOAD_${name}`];

  const numbers = Object.fromEntries(Object.entries(NUMBERS).map(([key, spec]) => {
    const text = raw(spec.name);
    const value = text === undefined || text === '' ? spec.default : Number(text);
    if (!Number.isFinite(value) || value < spec.min || value > spec.max) {
      throw new Error(`LOAD_${spec.name} must be a number from ${spec.min} to ${spec.max}, got ${text}`);
    }
    return [key, value];
  })) as Record<keyof typeof NUMBERS, number>;
  const via = raw('HEARTBEAT_VIA') ?? 'rest';
  if (via !== 'rest' && via !== 'push') throw new Error(`LOAD_HEARTBEAT_VIA must be rest or push, got ${via}`);
  return { ...numbers, heartbeatVia: via };
}
