import { describe, expect, it } from "vitest";
import { ladderBoardEntries, ladderSteps, roundToThreshold } from "./ladder";

describe("the Ladder (Blum & Hardt 2015)", () => {
  it("moves a team's shown score only past its shown best plus the threshold, rounded to a multiple of it", () => {
    const steps = ladderSteps([500.4, 500.9, 502, 510.4, 509, 511.5, 900.26], 1);
    expect(steps.map((step) => step.shown)).toEqual([500, 500, 502, 510, 510, 512, 900]);
    expect(steps.map((step) => step.improved)).toEqual([true, false, true, true, false, true, true]);
  });

  it("rounds to the nearest multiple of the threshold, never above a perfect score", () => {
    expect(roundToThreshold(512.34, 0.5)).toBe(512.5);
    expect(roundToThreshold(512.2, 0.1)).toBe(512.2);
    expect(roundToThreshold(999.9, 7)).toBe(1000);
    expect(roundToThreshold(0.2, 5)).toBe(0);
  });

  it("cannot be climbed by many entries that each add a little", () => {
    // A prober's 200 entries, each 0.4 points better than the last: with a threshold of 1 the shown score moves at
    // most every third entry, and each move is what the entry really scores (rounded) — no drift beyond the truth.
    const scores = Array.from({ length: 200 }, (_, i) => 400 + 0.4 * i);
    const steps = ladderSteps(scores, 1);
    expect(steps.filter((step) => step.improved).length).toBeLessThanOrEqual(Math.ceil((0.4 * 199) / 1) + 1);
    // Small wobbles around one true score never move it at all.
    const wobble = ladderSteps([600, 600.9, 599.2, 600.5, 600.99, 599.9], 1);
    expect(wobble.filter((step) => step.improved)).toHaveLength(1);
    expect(new Set(wobble.map((step) => step.shown))).toEqual(new Set([600]));
  });

  it("refuses a threshold that is not positive", () => {
    expect(() => ladderSteps([1], 0)).toThrow(RangeError);
  });

  it("shows each team's ladder value on its entries, withholding hit@k and the interval", () => {
    const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 14, minute));
    const entry = (teamId: string, minute: number, score: number) => ({ teamId, submittedAt: at(minute), score, hit: { "1": 0.5 }, ci95: [score - 10, score + 10] as [number, number] });
    const shown = ladderBoardEntries([entry("b", 1, 700.2), entry("a", 2, 500), entry("a", 1, 499.3), entry("b", 3, 700.9)], 1);
    expect(shown.map((item) => [item.teamId, item.submittedAt.getUTCMinutes(), item.score])).toEqual([
      ["b", 1, 700],
      ["b", 3, 700],
      ["a", 1, 499],
      ["a", 2, 499],
    ]);
    expect(shown.every((item) => Object.keys(item.hit).length === 0 && item.ci95[0] === item.score && item.ci95[1] === item.score)).toBe(true);
  });
});
