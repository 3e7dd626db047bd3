/**
 * The network between the simulated devices and the server. A device's
 * push (the real httpTransport with this network as its `fetch`) does not
 * reach the server by itself: it waits here until the simulator decides
 * its fate — delivered and answered, lost on the way, delivered with the
 * answer lost, delivered twice, kept as a stray copy for later, or
 * delivered into a server crash. The simulator also decides which
 * device's request goes next, so deliveries between devices reorder freely.
 *
 * Invariants:
 *  1. Nothing reaches the server unless the simulator delivers it, and one
 *     delivery is processed at a time: the order of first decisions is the
 *     order the simulator observed (the oracle relies on it).
 *  2. A device's request waits in its own queue in arrival order; `arrival`
 *     resolves as soon as one is queued, so the simulator can wait for a
 *     device to block on the network without polling or sleeping.
 */
import type { HttpTransportOptions } from '../../client/src/engine/index.ts';

export type Fetch = NonNullable<HttpTransportOptions['fetch']>;

export interface Answer {
  readonly status: number;
  readonly text: string;
}

export interface InFlight {
  readonly device: string;
  readonly body: string;
  /** An answer reaches the device; null: the connection failed (the device sees a network error). */
  settle(answer: Answer | null): void;
}

export class SimNetwork {
  private readonly queues = new Map<string, InFlight[]>();
  private readonly waiters = new Map<string, () => void>();
  /** Requests ever queued, per device. */
  readonly sent = new Map<string, number>();

  /** The `fetch` a device's transport uses. */
  fetchFor(device: string): Fetch {
    return (_url, init) =>
      new Promise((resolve, reject) => {
        const inFlight: InFlight = {
          device,
          body: init.body,
          settle: (answer) => {
            if (answer === null) reject(new Error('connection reset'));
            else resolve({ ok: answer.status >= 200 && answer.status < 300, status: answer.status, text: () => Promise.resolve(answer.text) });
          },
        };
        const queue = this.queues.get(device) ?? [];
        queue.push(inFlight);
        this.queues.set(device, queue);
        this.sent.set(device, (this.sent.get(device) ?? 0) + 1);
        const waiter = this.waiters.get(device);
        this.waiters.delete(device);
        waiter?.();
      });
  }

  has(device: string): boolean {
    return (this.queues.get(device)?.length ?? 0) > 0;
  }

  take(device: string): InFlight | undefined {
    return this.queues.get(device)?.shift();
  }

  /** Resolves once the device has a request waiting (invariant 2). */
  arrival(device: string): Promise<void> {
    if (this.has(device)) return Promise.resolve();
    return new Promise((resolve) => {
      const previous = this.waiters.get(device);
      this.waiters.set(device, () => {
        previous?.();
        resolve();
      });
    });
  }
}
