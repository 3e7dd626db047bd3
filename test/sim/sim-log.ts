/**
 * What a seed leaves behind for a person: a trace of every step (printed
 * when the seed fails) and counters of what it exercised (summed by the
 * soak), plus the one error type that fails a seed.
 */

/** A broken invariant: the seed fails with this message. */
export class SimFailure extends Error {
  override readonly name = 'SimFailure';
}

export class SimLog {
  readonly trace: string[] = [];
  readonly counts: Record<string, number> = {};
  /** The step being run (0: set-up; steps + 1: the final drain). */
  step = 0;

  log(line: string): void {
    this.trace.push(`#${this.step} ${line}`);
  }

  count(what: string): void {
    this.counts[what] = (this.counts[what] ?? 0) + 1;
  }
}
