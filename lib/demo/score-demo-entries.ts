import { buildScoringIndex, scoreSubmission, type ScoringIndex, type SplitScore } from "../scoring";
import { buildBaselineEncoders, type BaselineEncoder } from "./baseline-encoders";
import type { DemoDataset } from "./build-demo-dataset";
import { embedImages } from "./encode-images";
import { randomResults } from "./random-results";
import { rankBySimilarity } from "./rank-by-similarity";

// What the demo's entries score, computed with Podium's own scoring path: the seeded random floor and each baseline
// encoder run over the dataset's queries and gallery.

export interface DemoEntryScore {
  entry: string;
  /** Scores of the whole test set (no public/private split). */
  score: SplitScore;
}

/** The top-10 results map of `encoder` on the dataset (the file a team running it would submit). */
export async function rankWithEncoder(dataset: DemoDataset, encoder: BaselineEncoder): Promise<Record<string, string[]>> {
  const bytesOf = new Map(dataset.files.map((file) => [file.path, file.bytes]));
  const paths = [...dataset.queries.map((name) => `query/${name}`), ...dataset.gallery.map((name) => `gallery/${name}`)];
  const embeddings = await embedImages(encoder.model, encoder.manifest, paths.map((path) => bytesOf.get(path)!));
  const named = (names: string[], offset: number) => names.map((name, i) => ({ name, embedding: embeddings[offset + i]! }));
  return rankBySimilarity(named(dataset.queries, 0), named(dataset.gallery, dataset.queries.length), encoder.manifest.similarity, 10);
}

export function demoScoringIndex(dataset: DemoDataset): ScoringIndex {
  const built = buildScoringIndex({ queries: dataset.queries, gallery: dataset.gallery, truth: new Map(Object.entries(dataset.truth)) });
  if (!built.ok) throw new Error(`the demo dataset cannot be scored: ${built.error.join("; ")}`);
  return built.value;
}

/** Scores a results map against the dataset's truth; throws when Podium rejects the file (a bug here, not bad input). */
export function scoreDemoResults(index: ScoringIndex, results: Record<string, string[]>): SplitScore {
  const scored = scoreSubmission(JSON.stringify(results), index);
  if (!scored.ok) throw new Error(`demo results rejected: ${scored.error.map((error) => error.message).join("; ")}`);
  return scored.value.splits.all;
}

/** The random floor (`random`) and every baseline encoder, scored on `dataset`. */
export async function scoreDemoEntries(dataset: DemoDataset, encoders: readonly BaselineEncoder[] = buildBaselineEncoders()): Promise<DemoEntryScore[]> {
  const index = demoScoringIndex(dataset);
  const scores: DemoEntryScore[] = [{ entry: "random", score: scoreDemoResults(index, randomResults(dataset.queries, dataset.gallery, `${dataset.seed}/random-entry`)) }];
  for (const encoder of encoders) scores.push({ entry: encoder.name, score: scoreDemoResults(index, await rankWithEncoder(dataset, encoder)) });
  return scores;
}
