import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRandom } from "./random";
import { buildScoringIndex, quantile, scoreSubmission, splitQueries, type WeightTerm } from "./index";

// A deliberately naive reference: the formula of PRODUCT.md read literally, with plain loops and no indexes.
function naiveScore(submission: Record<string, string[]>, truth: Record<string, string[]>, weights: WeightTerm[], members: string[]) {
  const evaluated = members.filter((q) => (truth[q] ?? []).length > 0);
  const perQuery = evaluated.map((q) => {
    const list = submission[q] ?? [];
    let total = 0;
    for (const { k, weight } of weights) {
      const hit = list.slice(0, k).some((g) => truth[q]!.includes(g));
      if (hit) total += weight;
    }
    return total;
  });
  const score = perQuery.length === 0 ? 0 : perQuery.reduce((a, b) => a + b, 0) / perQuery.length;
  const hit: Record<string, number> = {};
  for (const { k } of weights) {
    const hits = evaluated.filter((q) => (submission[q] ?? []).slice(0, k).some((g) => truth[q]!.includes(g))).length;
    hit[String(k)] = evaluated.length === 0 ? 0 : hits / evaluated.length;
  }
  return { score, hit, evaluated: evaluated.length, perQuery };
}

/** The textbook bootstrap: draw n queries with replacement, R times. */
function naiveBootstrapMeans(values: number[], resamples: number, seed: string): number[] {
  const random = createRandom(seed);
  const means: number[] = [];
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += values[Math.floor(random() * values.length)]!;
    means.push(sum / values.length);
  }
  return means.sort((a, b) => a - b);
}

const scenario = fc
  .record({
    queries: fc.integer({ min: 1, max: 40 }),
    gallery: fc.integer({ min: 12, max: 60 }),
    seed: fc.integer({ min: 0, max: 1_000_000 }),
    fraction: fc.double({ min: 0, max: 1, noNaN: true }),
    weights: fc.uniqueArray(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 4 }).chain((ks) =>
      fc.tuple(...ks.map((k) => fc.integer({ min: 0, max: 1000 }).map((weight) => ({ k, weight })))),
    ),
  })
  .chain((base) =>
    fc.record({
      base: fc.constant(base),
      truth: fc.array(fc.uniqueArray(fc.integer({ min: 0, max: base.gallery - 1 }), { maxLength: 3 }), { minLength: base.queries, maxLength: base.queries }),
      lists: fc.array(fc.uniqueArray(fc.integer({ min: 0, max: base.gallery - 1 }), { maxLength: 10 }), { minLength: base.queries, maxLength: base.queries }),
    }),
  );

describe("scoreSubmission against a naive reference", () => {
  it("agrees on score, hit@k and evaluated count for every split on random data", () => {
    fc.assert(
      fc.property(scenario, ({ base, truth, lists }) => {
        const queries = Array.from({ length: base.queries }, (_, i) => `q${i}`);
        const gallery = Array.from({ length: base.gallery }, (_, i) => `g${i}`);
        const truthObject = Object.fromEntries(queries.map((q, i) => [q, truth[i]!.map((g) => `g${g}`)]));
        const submission = Object.fromEntries(queries.map((q, i) => [q, lists[i]!.map((g) => `g${g}`)]));
        const index = buildScoringIndex({ queries, gallery, truth: new Map(Object.entries(truthObject)) });
        expect(index.ok).toBe(true);
        if (!index.ok) return;
        const split = { seed: String(base.seed), publicFraction: base.fraction };
        const weights = [...base.weights].sort((a, b) => a.k - b.k);
        const result = scoreSubmission(JSON.stringify(submission), index.value, { weights, split, resamples: 50 });
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        const evaluated = queries.filter((q) => truthObject[q]!.length > 0);
        const isPublic = splitQueries(evaluated, split);
        const publicNames = evaluated.filter((_, i) => isPublic[i] === 1);
        const privateNames = evaluated.filter((_, i) => isPublic[i] === 0);
        for (const [name, members] of [["all", queries], ["public", publicNames], ["private", privateNames]] as const) {
          const expected = naiveScore(submission, truthObject, weights, [...members]);
          const actual = result.value.splits[name];
          expect(actual.score).toBeCloseTo(expected.score, 9);
          expect(actual.evaluated).toBe(expected.evaluated);
          for (const [k, value] of Object.entries(expected.hit)) expect(actual.hit[k]).toBeCloseTo(value, 12);
        }
      }),
      { numRuns: 300, seed: 20261126 },
    );
  });

  it("draws bootstrap intervals with the same distribution as resampling every query", () => {
    // 2,000 queries with values of the default weights; compare percentiles of 4,000 resampled means.
    const values: number[] = [];
    const mix = [1000, 1000, 400, 400, 400, 100, 0, 0, 0, 0];
    for (let i = 0; i < 2000; i++) values.push(mix[i % mix.length]!);
    const counts = [1000, 400, 100, 0].map((v) => values.filter((x) => x === v).length);
    const naive = naiveBootstrapMeans(values, 4000, "naive");
    const index = buildScoringIndex({
      queries: values.map((_, i) => `q${i}`),
      gallery: Array.from({ length: 12 }, (_, g) => `g${g}`),
      truth: new Map(values.map((_, i) => [`q${i}`, ["g0"]])),
    });
    if (!index.ok) throw new Error("index");
    const rankOf: Record<number, number> = { 1000: 1, 400: 3, 100: 8, 0: 0 };
    const submission = Object.fromEntries(
      values.map((value, i) => {
        const list = ["g1", "g2", "g3", "g4", "g5", "g6", "g7", "g8", "g9", "g10"];
        const rank = rankOf[value]!;
        if (rank > 0) list[rank - 1] = "g0";
        return [`q${i}`, list];
      }),
    );
    const scored = scoreSubmission(JSON.stringify(submission), index.value, { resamples: 4000, bootstrapSeed: "fast" });
    if (!scored.ok) throw new Error("score");
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length / values.length);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(2000);
    expect(scored.value.splits.all.score).toBeCloseTo(mean, 9);
    // Both intervals sit near mean ± 1.96 sd; their ends agree within a fifth of a standard error.
    expect(Math.abs(scored.value.splits.all.ci95[0] - quantile(naive, 0.025))).toBeLessThan(0.2 * sd);
    expect(Math.abs(scored.value.splits.all.ci95[1] - quantile(naive, 0.975))).toBeLessThan(0.2 * sd);
    expect(Math.abs(scored.value.splits.all.ci95[0] - (mean - 1.96 * sd))).toBeLessThan(0.2 * sd);
  });
});
