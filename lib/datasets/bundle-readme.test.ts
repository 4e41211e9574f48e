import { describe, expect, it } from "vitest";
import { DEFAULT_WEIGHTS } from "../scoring/weights";
import { bundleReadme, sampleSubmission } from "./bundle-readme";

describe("the bundle's README and sample submission", () => {
  const counts = { query: 3, gallery: 12, training: 0 };

  it("explains results files and ships a sample only where the gallery is published", () => {
    const results = bundleReadme({ title: "Faces", slug: "faces", weights: DEFAULT_WEIGHTS, modelOnly: false, acceptsResults: true }, counts);
    expect(results).toContain("600 if a correct gallery image is within the first 1, 300 if a correct gallery image is within the first 5, 100 if a correct gallery image is within the first 10");
    expect(results).toContain("`sample_submission.json`");
    expect(results).toContain("`starter.ipynb`");
    expect(results).toContain("python3 podium_client.py score --weights 1:600,5:300,10:100");
    const modelOnly = bundleReadme({ title: "Faces", slug: "faces", weights: DEFAULT_WEIGHTS, modelOnly: true, acceptsResults: false }, counts);
    expect(modelOnly).toContain("The gallery stays hidden in this contest");
    expect(modelOnly).not.toContain("sample_submission.json");
    expect(modelOnly).not.toContain("starter.ipynb");
    expect(modelOnly).not.toContain("gallery images.");
  });

  it("lists every query with the same ten gallery names", () => {
    const sample = JSON.parse(sampleSubmission(["q2.jpg", "q1.jpg"], Array.from({ length: 12 }, (_, i) => `g${i}.jpg`))) as Record<string, string[]>;
    expect(Object.keys(sample)).toEqual(["q1.jpg", "q2.jpg"]);
    expect(sample["q1.jpg"]).toHaveLength(10);
    expect(new Set(sample["q1.jpg"]).size).toBe(10);
  });
});
