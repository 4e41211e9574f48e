import { describe, expect, it } from "vitest";
import { sampleBinomial } from "./binomial";
import { createRandom } from "./random";

describe("sampleBinomial", () => {
  const cases: Array<[number, number]> = [
    [5, 0.3],
    [40, 0.1],
    [100, 0.5],
    [1000, 0.02],
    [1000, 0.3],
    [100_000, 0.25],
    [100_000, 0.9],
    [3_000_000, 0.001],
  ];

  it.each(cases)("has the binomial mean and variance for n=%i, p=%f", (n, p) => {
    const random = createRandom(`binomial ${n} ${p}`);
    const draws = 20_000;
    let sum = 0;
    let sumSquares = 0;
    for (let i = 0; i < draws; i++) {
      const x = sampleBinomial(n, p, random);
      expect(Number.isInteger(x) && x >= 0 && x <= n).toBe(true);
      sum += x;
      sumSquares += x * x;
    }
    const mean = sum / draws;
    const variance = sumSquares / draws - mean * mean;
    const trueVariance = n * p * (1 - p);
    // Mean within 5 standard errors; variance within 6 %.
    expect(Math.abs(mean - n * p)).toBeLessThan(5 * Math.sqrt(trueVariance / draws));
    expect(variance / trueVariance).toBeGreaterThan(0.94);
    expect(variance / trueVariance).toBeLessThan(1.06);
  });

  it("matches the exact probabilities for a small case (n=4, p=0.5)", () => {
    const random = createRandom("exact");
    const counts = [0, 0, 0, 0, 0];
    const draws = 80_000;
    for (let i = 0; i < draws; i++) counts[sampleBinomial(4, 0.5, random)]! += 1;
    const exact = [1, 4, 6, 4, 1].map((c) => c / 16);
    counts.forEach((count, k) => expect(Math.abs(count / draws - exact[k]!)).toBeLessThan(0.006));
  });

  it("handles the edges p=0, p=1 and n=0", () => {
    const random = createRandom(1);
    expect(sampleBinomial(10, 0, random)).toBe(0);
    expect(sampleBinomial(10, 1, random)).toBe(10);
    expect(sampleBinomial(0, 0.5, random)).toBe(0);
  });
});
