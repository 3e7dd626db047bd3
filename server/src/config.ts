/**
 * The server's configuration: every environment variable, parsed once with
 * zod at start-up (API.md "Running the server"). Nothing else in server/
 * reads `process.env`; it receives a `Config`.
 *
 * Invariants:
 *  1. A bad value stops start-up with ONE line naming the variable
 *     (`ConfigError.message`), never a stack trace or a late failure.
 *  2. An empty string means "unset", as in most .env files and CI settings.
 *  3. DATA_DIR is absolute, resolved against the directory `npm start` was
 *     run from (INIT_CWD), so the root `npm start` keeps data in ./.stint of
 *     the repository and not of the package pnpm runs the script in.
 */
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const SEVEN_DAYS_S = 7 * 24 * 60 * 60;

const port = z.coerce.number().int().min(1).max(65_535);
const positiveSeconds = z.coerce.number().int().positive();

const EnvSchema = z.object({
  PORT: port.default(3000),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  DATA_DIR: z.string().default('./.stint'),
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  CRON_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  STALE_CUTOFF_S: positiveSeconds.default(180),
  SCHEDULER_INTERVAL_S: positiveSeconds.default(30),
  ZERO_PORT: port.optional(),
  ZERO: z.enum(['on', 'off']).default('on'),
  LOOK_BACK_S: positiveSeconds.default(SEVEN_DAYS_S),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  DEMO: z.enum(['on', 'off']).default('off'),
});

export interface Config {
  readonly PORT: number;
  /** Unset: the embedded Postgres under DATA_DIR is used. */
  readonly DATABASE_URL: string | undefined;
  /** Absolute. */
  readonly DATA_DIR: string;
  /** Unset: one is generated at first start and stored in server_settings. */
  readonly ADMIN_TOKEN: string | undefined;
  /** Unset: one is generated at first start and stored in server_settings. */
  readonly JWT_SECRET: string | undefined;
  /** Unset: the cron routes answer 503 (fail closed). */
  readonly CRON_SECRET: string | undefined;
  readonly STALE_CUTOFF_S: number;
  readonly SCHEDULER_INTERVAL_S: number;
  readonly ZERO_PORT: number;
  /** `off`: npm start runs no zero-cache (the Zero endpoints still answer). */
  readonly ZERO: 'on' | 'off';
  /** How far back an offline intent's corrected time may reach (DESIGN §3). */
  readonly LOOK_BACK_S: number;
  readonly LOG_LEVEL: LogLevel;
  /** `on`: seed demo people, tasks, a procedure and a booking once, and print sign-in links at every start. */
  readonly DEMO: 'on' | 'off';
}

export type Env = Readonly<Record<string, string | undefined>>;

/** A configuration error; its message is the one line start-up prints. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment once. Throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env, cwd: string = env['INIT_CWD'] ?? process.cwd()): Config {
  const known = Object.fromEntries(
    Object.keys(EnvSchema.shape).map((key) => [key, blankToUndefined(env[key])]),
  );
  const parsed = EnvSchema.safeParse(known);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    const got = known[name];
    const shown = got === undefined || /TOKEN|SECRET|URL/.test(name) ? '' : ` (got ${JSON.stringify(got)})`;
    throw new ConfigError(`Invalid configuration: ${name} ${describe(issue)}${shown}`);
  }
  const e = parsed.data;
  return {
    PORT: e.PORT,
    DATABASE_URL: e.DATABASE_URL,
    DATA_DIR: isAbsolute(e.DATA_DIR) ? e.DATA_DIR : resolve(cwd, e.DATA_DIR),
    ADMIN_TOKEN: e.ADMIN_TOKEN,
    JWT_SECRET: e.JWT_SECRET,
    CRON_SECRET: e.CRON_SECRET,
    STALE_CUTOFF_S: e.STALE_CUTOFF_S,
    SCHEDULER_INTERVAL_S: e.SCHEDULER_INTERVAL_S,
    ZERO_PORT: e.ZERO_PORT ?? (e.PORT === 65_535 ? e.PORT - 1 : e.PORT + 1),
    ZERO: e.ZERO,
    LOOK_BACK_S: e.LOOK_BACK_S,
    LOG_LEVEL: e.LOG_LEVEL,
    DEMO: e.DEMO,
  };
}

function blankToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function describe(issue: z.core.$ZodIssue | undefined): string {
  if (issue === undefined) return 'is invalid';
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'int' ? 'must be a whole number' : `must be a ${issue.expected}`;
    case 'too_small':
      if (issue.origin !== 'number') return issue.message;
      return issue.inclusive === false ? `must be greater than ${String(issue.minimum)}` : `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      if (issue.origin !== 'number') return issue.message;
      return issue.inclusive === false ? `must be less than ${String(issue.maximum)}` : `must be at most ${String(issue.maximum)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    default:
      return issue.message === 'Invalid input' ? 'is invalid' : issue.message;
  }
}
