import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BaselineEncoder } from "./baseline-encoders";
import { randomResults } from "./random-results";

// Files to try the demo with by hand: the baseline encoders as .onnx files (each carries its manifest in
// metadata_props, so the file alone is a valid model entry) and a body for the original client's endpoint.

export interface DemoExamples {
  dir: string;
  models: string[];
  /** `{"groupname", "images"}` with random guesses: what the original course client posts to /retrieval/. */
  legacyBody: string;
}

/** Writes the examples into `dir`, leaving files that are already there alone. */
export function writeDemoExamples(dir: string, encoders: readonly BaselineEncoder[], names: { queries: string[]; gallery: string[] }, seed: string): DemoExamples {
  mkdirSync(dir, { recursive: true });
  const writeOnce = (file: string, bytes: () => Uint8Array | string) => {
    const path = join(dir, file);
    if (!existsSync(path)) writeFileSync(path, bytes());
    return path;
  };
  const models = encoders.map((encoder) => writeOnce(`${encoder.name}.onnx`, () => encoder.model));
  const legacyBody = writeOnce("legacy-body.json", () => JSON.stringify({ groupname: "Curl Team", images: randomResults(names.queries, names.gallery, `${seed}/legacy-example`) }));
  return { dir, models, legacyBody };
}
