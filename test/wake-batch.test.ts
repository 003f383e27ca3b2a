import { describe, expect, it } from 'vitest';
import { CompletionGap, WAKE_BATCH_BUDGET_NS, wakeBatch } from '../lib/streaming/wake-batch';

// The capture stream's wake-up batch (lib/streaming/wake-batch.ts): values worked by hand from the rule "as many
// packets as complete in 1 ms at the rate seen, at least 1, at most a quarter of the pool".
describe('wake-up batch', () => {
  it('is 1 until a rate is known, and at or below 1,000 packets/s', () => {
    expect(WAKE_BATCH_BUDGET_NS).toBe(1_000_000);
    expect(wakeBatch(0, 8)).toBe(1);
    expect(wakeBatch(Number.NaN, 8)).toBe(1);
    expect(wakeBatch(-5, 8)).toBe(1);
    expect(wakeBatch(1_000_000, 8)).toBe(1); // 1,000 packets/s: real-time audio in 1 ms packets
    expect(wakeBatch(33_366_700, 8)).toBe(1); // a 29.97 fps camera
    expect(wakeBatch(999_999, 8)).toBe(1); // ⌊1,000,000 / 999,999⌋ = 1
  });

  it('grows with the rate above that, capped at the most asked', () => {
    expect(wakeBatch(400_000, 8)).toBe(2); // ⌊2.5⌋
    expect(wakeBatch(250_000, 8)).toBe(4);
    expect(wakeBatch(125_000, 8)).toBe(8);
    expect(wakeBatch(100_000, 8)).toBe(8); // 10 would fit in 1 ms: the cap holds
    expect(wakeBatch(20_000, 32)).toBe(32); // ⌊50⌋ → 32
    expect(wakeBatch(20_000, 1)).toBe(1); // a pool of 4 or fewer never batches
  });

  it('averages completion gaps with weight 1/8, starting from the first gap', () => {
    const gap = new CompletionGap();
    expect(gap.averageNs).toBe(0);
    gap.add(1_000);
    expect(gap.averageNs).toBe(0); // one completion: no gap yet
    gap.add(9_000); // gap 8,000: the first gap is the average
    expect(gap.averageNs).toBe(8_000);
    gap.add(25_000); // gap 16,000: 8,000 + (16,000 − 8,000) / 8
    expect(gap.averageNs).toBe(9_000);
    gap.add(25_000 + 1_009_000); // a slow packet: 9,000 + 1,000,000 / 8
    expect(gap.averageNs).toBe(134_000);
    expect(wakeBatch(gap.averageNs, 8)).toBe(7); // ⌊1,000,000 / 134,000⌋
  });
});
