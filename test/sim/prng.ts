/**
 * The simulation's only source of randomness: a small seeded PRNG
 * (mulberry32), so a seed replays the same run — the same devices, intents,
 * faults and clock moves — every time.
 *
 * Invariants:
 *  1. Two generators built from the same seed return the same sequence.
 *  2. `fork(label)` derives an independent stream from the seed and a label,
 *     so adding draws to one concern (say, intent titles) does not shift the
 *     draws of another (the network's fates) more than it must.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform integer in [lo, hi]. */
  between(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** A value chosen with probability proportional to its weight (weights > 0). */
  weighted<T>(choices: readonly (readonly [number, T])[]): T;
  fork(label: string): Rng;
}

export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return {
    next,
    int,
    between: (lo, hi) => lo + int(hi - lo + 1),
    chance: (p) => next() < p,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[int(items.length)] as T;
    },
    weighted<T>(choices: readonly (readonly [number, T])[]): T {
      const total = choices.reduce((sum, [weight]) => sum + weight, 0);
      let at = next() * total;
      for (const [weight, value] of choices) {
        at -= weight;
        if (at < 0) return value;
      }
      const last = choices[choices.length - 1];
      if (last === undefined) throw new Error('weighted choice from an empty list');
      return last[1];
    },
    fork: (label) => createRng(hash(`${seed}:${label}`)),
  };
}

/** FNV-1a, 32 bits: a seed for a forked stream. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
