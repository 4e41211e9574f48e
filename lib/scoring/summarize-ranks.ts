import { bootstrapInterval, DEFAULT_RESAMPLES } from "./bootstrap-interval";
import type { SplitScore, WeightTerm } from "./types";

/** The score earned by a query whose first correct entry is at `rank` (0: none). Cumulative terms. */
export function queryValue(rank: number, weights: readonly WeightTerm[]): number {
  if (rank === 0) return 0;
  let value = 0;
  for (const { k, weight } of weights) if (rank <= k) value += weight;
  return value;
}

export interface SummaryOptions {
  weights: readonly WeightTerm[];
  bootstrapSeed: string;
  resamples?: number;
}

/**
 * Score, hit@k and interval of the queries selected by `member` (null: all), from their first-hit ranks.
 * Everything follows from the histogram of ranks, since a query's value depends only on its rank.
 */
export function summarizeRanks(firstHitRank: Uint8Array, present: Uint8Array, member: Uint8Array | null, want: 1 | 0, options: SummaryOptions): SplitScore {
  const histogram = new Float64Array(256);
  let evaluated = 0;
  let missing = 0;
  for (let s = 0; s < firstHitRank.length; s++) {
    if (member !== null && member[s] !== want) continue;
    evaluated += 1;
    if (present[s] === 0) missing += 1;
    histogram[firstHitRank[s]!]! += 1;
  }
  const hit: Record<string, number> = {};
  const values: number[] = [];
  const counts: number[] = [];
  let total = 0;
  for (let rank = 0; rank < 256; rank++) {
    const count = histogram[rank]!;
    if (count === 0) continue;
    const value = queryValue(rank, options.weights);
    total += count * value;
    // Merge ranks of equal value so the bootstrap sees each distinct value once.
    const existing = values.indexOf(value);
    if (existing === -1) {
      values.push(value);
      counts.push(count);
    } else {
      counts[existing]! += count;
    }
  }
  for (const { k } of options.weights) {
    let hits = 0;
    for (let rank = 1; rank <= k && rank < 256; rank++) hits += histogram[rank]!;
    hit[String(k)] = evaluated === 0 ? 0 : hits / evaluated;
  }
  const score = evaluated === 0 ? 0 : total / evaluated;
  const ci95 = bootstrapInterval(values, counts, { seed: options.bootstrapSeed, resamples: options.resamples ?? DEFAULT_RESAMPLES });
  return { score, hit, evaluated, missing, ci95 };
}
