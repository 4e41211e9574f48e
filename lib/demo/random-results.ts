import { seededRandom } from "./seeded-random";

/**
 * The demo's floor entry: for every query, `k` distinct gallery files drawn at random with `seed` (a plain results
 * map, as a team would submit it).
 */
export function randomResults(queries: readonly string[], gallery: readonly string[], seed: string, k = 10): Record<string, string[]> {
  const random = seededRandom(seed);
  const count = Math.min(k, gallery.length);
  const results: Record<string, string[]> = {};
  const pool = [...gallery];
  for (const query of queries) {
    // A partial Fisher–Yates shuffle: the first `count` slots are a uniform sample without replacement.
    for (let i = 0; i < count; i++) {
      const j = random.integer(i, pool.length - 1);
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    results[query] = pool.slice(0, count);
  }
  return results;
}
