// Axes of the leaderboard's score chart: round score ticks from 0 to at least the highest score, and evenly spaced
// instants between the first and last entry. Pure, so the browser component and the tests share it.

/** Ticks 0, step, 2·step … up to the first at or above `max`, step 1, 2, 2.5 or 5 × 10ⁿ (≥ 1), at most 6 ticks. */
export function scoreTicks(max: number): number[] {
  const top = Math.max(max, 1);
  const magnitude = 10 ** Math.floor(Math.log10(top / 5));
  // Whole points at least: scores are points out of 1000.
  const step = Math.max(1, [1, 2, 2.5, 5, 10].map((multiple) => multiple * magnitude).find((candidate) => top / candidate <= 5)!);
  const ticks: number[] = [];
  for (let value = 0; ; value += step) {
    ticks.push(Number(value.toPrecision(12)));
    if (value >= top - 1e-9) break;
  }
  return ticks;
}

/** `count` instants from `from` to `to` inclusive (one when they are equal). */
export function timeTicks(from: number, to: number, count = 3): number[] {
  if (to <= from || count < 2) return [from];
  return Array.from({ length: count }, (_, i) => from + ((to - from) * i) / (count - 1));
}
