import { describe, expect, it } from "vitest";
import { buildDemoDataset } from "../../lib/demo/build-demo-dataset";
import { scoreDemoEntries } from "../../lib/demo/score-demo-entries";

// An honest check of the demo leaderboard: each baseline encoder, run in onnxruntime on a generated test set and
// scored by lib/scoring, must beat the random floor by a wide margin without solving the contest.

describe("scoreDemoEntries", () => {
  it("scores every baseline well above the random floor and below a perfect 1000", async () => {
    const dataset = await buildDemoDataset({ seed: "quality-check", identities: 60, distractors: 30, trainingIdentities: 0 });
    const scores = Object.fromEntries((await scoreDemoEntries(dataset)).map(({ entry, score }) => [entry, score.score]));
    const floor = scores["random"]!;
    expect(floor).toBeLessThan(80);
    for (const baseline of ["tiny-pixels", "chroma-grid", "colour-histogram-grid"]) {
      expect(scores[baseline]).toBeGreaterThan(floor + 100);
      expect(scores[baseline]).toBeLessThan(950);
    }
    // The weakest and the strongest baseline stay apart, so the demo leaderboard has a spread.
    expect(scores["colour-histogram-grid"]! - scores["tiny-pixels"]!).toBeGreaterThan(100);
  });
});
