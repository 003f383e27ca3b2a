// How many completed packets JavaScript asks the stream engine to wait for
// before it wakes JavaScript (the `armed` word of stream-control.ts).
//
// A cross-thread wake-up costs the device's thread a system call and
// JavaScript a thread switch: 15–50 µs on the 2-vCPU VM where the benchmarks
// were measured (docs/benchmarks.md). When packets complete faster than that,
// waking for each one keeps the device's thread busy waking JavaScript
// instead of moving data (64 KiB capture: 0.78 wake-ups per frame and 0.84×
// the C++ loop before; 0.12 and 0.98× after, in one `npm run bench`). So
// JavaScript asks for as many packets as complete within a budget at the rate
// it has seen. The engine also wakes it when nothing is left in flight or a
// request fails, so a batch never waits for packets that are not coming.

/** The longest a frame should wait for a batched wake-up at the rate seen: 1 ms, so batching starts above 1,000 packets/s. */
export const WAKE_BATCH_BUDGET_NS = 1_000_000;

/**
 * The wake-up batch for packets that complete `completionGapNs` apart (0: not known yet), at most `most` (a quarter
 * of the pool, so the device keeps three quarters while JavaScript sleeps). At or below 1,000 packets/s (every audio
 * and video stream at a real-time rate) it is 1: each packet wakes JavaScript at once.
 */
export function wakeBatch(completionGapNs: number, most: number): number {
  if (!(completionGapNs > 0) || completionGapNs >= WAKE_BATCH_BUDGET_NS) return 1;
  return Math.max(1, Math.min(most, Math.floor(WAKE_BATCH_BUDGET_NS / completionGapNs)));
}

/** A moving average (1/8 weight) of the gaps between completions, fed with each record's completion time (ns). */
export class CompletionGap {
  #averageNs = 0;
  #lastNs = 0;

  /** The average so far, 0 until two completions were seen. */
  get averageNs(): number {
    return this.#averageNs;
  }

  add(completedAtNs: number): void {
    if (this.#lastNs !== 0) {
      const gap = completedAtNs - this.#lastNs;
      this.#averageNs = this.#averageNs === 0 ? gap : this.#averageNs + (gap - this.#averageNs) / 8;
    }
    this.#lastNs = completedAtNs;
  }
}
