import { buildScoringIndex, scoreSubmission, type ScoringIndex, type SplitScore } from "../scoring";
import { buildBaselineEncoders, type BaselineEncoder } from "./baseline-encoders";
import type { DemoDataset } from "./build-demo-dataset";
import { DEMO_COMPETITION } from "./demo-contest";
import { randomResults } from "./random-results";
import { rankWithEncoder } from "./rank-with-encoder";

// What the demo's entries score, computed with Podium's own scoring path: the seeded random floor and each baseline
// encoder run over the dataset's queries and gallery by the worker's embedding and ranking code (rank-with-encoder.ts).

export interface DemoEntryScore {
  entry: string;
  /** Scores of the whole test set (no public/private split). */
  score: SplitScore;
  /** The demo competition's split (its seed and public fraction): the public board's score and the private one. */
  public: SplitScore;
  private: SplitScore;
}

/** The demo competition's public/private split. */
const DEMO_SPLIT = { seed: DEMO_COMPETITION.splitSeed, publicFraction: DEMO_COMPETITION.publicFraction };

export function demoScoringIndex(dataset: DemoDataset): ScoringIndex {
  const built = buildScoringIndex({ queries: dataset.queries, gallery: dataset.gallery, truth: new Map(Object.entries(dataset.truth)) });
  if (!built.ok) throw new Error(`the demo dataset cannot be scored: ${built.error.join("; ")}`);
  return built.value;
}

/** Scores a results map against the dataset's truth; throws when Podium rejects the file (a bug here, not bad input). */
export function scoreDemoResults(index: ScoringIndex, results: Record<string, string[]>): Pick<DemoEntryScore, "score" | "public" | "private"> {
  const scored = scoreSubmission(JSON.stringify(results), index, { split: DEMO_SPLIT });
  if (!scored.ok) throw new Error(`demo results rejected: ${scored.error.map((error) => error.message).join("; ")}`);
  const { all, public: publicSplit, private: privateSplit } = scored.value.splits;
  return { score: all, public: publicSplit, private: privateSplit };
}

/** The demo's random floor entry: seeded by the dataset's seed, so the seeded contest and the measurement agree. */
export function randomEntryOf(dataset: DemoDataset): Record<string, string[]> {
  return randomResults(dataset.queries, dataset.gallery, `${dataset.seed}/random-entry`);
}

/** The random floor (`random`) and every baseline encoder, scored on `dataset`. */
export async function scoreDemoEntries(dataset: DemoDataset, encoders: readonly BaselineEncoder[] = buildBaselineEncoders()): Promise<DemoEntryScore[]> {
  const index = demoScoringIndex(dataset);
  const scores: DemoEntryScore[] = [{ entry: "random", ...scoreDemoResults(index, randomEntryOf(dataset)) }];
  for (const encoder of encoders) scores.push({ entry: encoder.name, ...scoreDemoResults(index, await rankWithEncoder(dataset, encoder)) });
  return scores;
}
