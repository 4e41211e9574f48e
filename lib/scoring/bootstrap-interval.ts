import { sampleBinomial } from "./binomial";
import { createRandom } from "./random";

export const DEFAULT_RESAMPLES = 1000;

export interface BootstrapOptions {
  resamples?: number;
  seed: string;
  /** Coverage of the interval, 0.95 by default. */
  level?: number;
}

/**
 * Percentile-bootstrap interval of a mean over queries, from the distinct per-query values and how many queries
 * have each. A resample of n queries is a multinomial draw of those counts, taken as a chain of exact binomials,
 * so the cost is resamples × distinct values, not resamples × queries — and the distribution is the same as
 * drawing n queries with replacement.
 */
export function bootstrapInterval(values: readonly number[], counts: readonly number[], options: BootstrapOptions): [number, number] {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const level = options.level ?? 0.95;
  const categories: number[] = [];
  let n = 0;
  for (let c = 0; c < counts.length; c++) {
    if (counts[c]! > 0) {
      categories.push(c);
      n += counts[c]!;
    }
  }
  if (n === 0) return [0, 0];
  if (categories.length === 1) {
    const only = values[categories[0]!]!;
    return [only, only];
  }
  const random = createRandom(options.seed);
  const means = new Float64Array(resamples);
  const last = categories.length - 1;
  for (let i = 0; i < resamples; i++) {
    let remaining = n;
    let massLeft = n;
    let sum = 0;
    for (let j = 0; j < last && remaining > 0; j++) {
      const c = categories[j]!;
      const count = counts[c]!;
      const drawn = sampleBinomial(remaining, count / massLeft, random);
      sum += drawn * values[c]!;
      remaining -= drawn;
      massLeft -= count;
    }
    sum += remaining * values[categories[last]!]!;
    means[i] = sum / n;
  }
  means.sort();
  const tail = (1 - level) / 2;
  return [quantile(means, tail), quantile(means, 1 - tail)];
}

/** Linear-interpolated quantile of sorted values (the "type 7" definition used by R and NumPy). */
export function quantile(sorted: ArrayLike<number>, fraction: number): number {
  const position = (sorted.length - 1) * fraction;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const weight = position - below;
  return sorted[below]! * (1 - weight) + sorted[above]! * weight;
}
