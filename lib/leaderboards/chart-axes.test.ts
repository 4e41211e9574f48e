import { describe, expect, it } from "vitest";
import { scoreTicks, timeTicks } from "./chart-axes";

describe("score chart axes", () => {
  it("gives round score ticks from 0 to at least the best score, six at most", () => {
    expect(scoreTicks(1000)).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(scoreTicks(600)).toEqual([0, 200, 400, 600]);
    expect(scoreTicks(341.67)).toEqual([0, 100, 200, 300, 400]);
    expect(scoreTicks(25)).toEqual([0, 5, 10, 15, 20, 25]);
    expect(scoreTicks(0)).toEqual([0, 1]);
    for (const max of [3, 47, 123.4, 999, 1000, 5000]) {
      const ticks = scoreTicks(max);
      expect(ticks.length, String(max)).toBeLessThanOrEqual(6);
      expect(ticks.at(-1)!, String(max)).toBeGreaterThanOrEqual(max);
    }
  });

  it("spaces the time ticks evenly between the first and the last entry", () => {
    expect(timeTicks(0, 100)).toEqual([0, 50, 100]);
    expect(timeTicks(5, 5)).toEqual([5]);
  });
});
