import { fastRankResults } from "./fast-rank";
import { PARALLEL_MIN_BYTES, rankInParallel, type RankWorker } from "./parallel-rank";
import { parseResults } from "./parse-results";
import { rankResults, type RankedResults } from "./rank-results";
import type { ScoringIndex } from "./scoring-index";
import { splitQueries, type SplitSettings } from "./split-queries";
import { summarizeRanks } from "./summarize-ranks";
import type { Outcome, ParsedResults, ResultsFormat, ScoredSubmission, ValidationError, WeightTerm } from "./types";
import { DEFAULT_WEIGHTS, maxListLength } from "./weights";

export interface ScoringRules {
  weights?: readonly WeightTerm[];
  allowPartial?: boolean;
  /** Public/private split; without it every evaluated query is public (as on the original server). */
  split?: SplitSettings;
  /** Seed of the bootstrap interval; the same seed and submission always give the same interval. */
  bootstrapSeed?: string;
  resamples?: number;
}

export const DEFAULT_BOOTSTRAP_SEED = "podium";

/** The public flags of an index's evaluated queries for a split, computed once per index and settings. */
export function publicQueriesOf(index: ScoringIndex, split: SplitSettings | undefined): Uint8Array {
  const settings = split ?? { publicFraction: 1, seed: 0 };
  const key = `${settings.seed}\u0000${settings.publicFraction}`;
  let isPublic = index.splitCache.get(key);
  if (!isPublic) {
    isPublic = splitQueries(index.evaluatedNames, settings);
    index.splitCache.set(key, isPublic);
  }
  return isPublic;
}

/**
 * The one scoring path of Podium: parse a results file, validate it against a dataset version and score it on the
 * all, public and private splits. Invalid files come back as errors naming the offending entries; never throws
 * for bad input. Bytes of a valid plain map or legacy body take a single-pass fast path with identical results.
 */
export function scoreSubmission(input: string | Uint8Array, index: ScoringIndex, rules: ScoringRules = {}): Outcome<ScoredSubmission, ValidationError[]> {
  if (typeof input !== "string") {
    const weights = rules.weights ?? DEFAULT_WEIGHTS;
    const fast = fastRankResults(input, index, maxListLength(weights), rules.allowPartial ?? false);
    if (fast) return { ok: true, value: summarizeSubmission(fast.format, fast.groupname, fast, index, rules) };
  }
  const parsed = parseResults(input);
  if (!parsed.ok) return parsed;
  return scoreParsedResults(parsed.value, index, rules);
}

export function scoreParsedResults(parsed: ParsedResults, index: ScoringIndex, rules: ScoringRules = {}): Outcome<ScoredSubmission, ValidationError[]> {
  const weights = rules.weights ?? DEFAULT_WEIGHTS;
  const ranked = rankResults(parsed.entries, index, { maxListLength: maxListLength(weights), allowPartial: rules.allowPartial ?? false });
  if (!ranked.ok) return ranked;
  return { ok: true, value: summarizeSubmission(parsed.format, parsed.groupname, ranked.value, index, rules) };
}

/**
 * The same as scoreSubmission, reading a large file's two halves at once (this thread and `worker`, which runs
 * rank-worker.ts). Identical results; anything unusual goes through the single-threaded path.
 */
export async function scoreSubmissionInParallel(bytes: Uint8Array, index: ScoringIndex, rules: ScoringRules, worker: RankWorker): Promise<Outcome<ScoredSubmission, ValidationError[]>> {
  if (bytes.length >= PARALLEL_MIN_BYTES) {
    const weights = rules.weights ?? DEFAULT_WEIGHTS;
    const ranked = await rankInParallel(bytes, index, maxListLength(weights), rules.allowPartial ?? false, worker);
    if (ranked) return { ok: true, value: summarizeSubmission(ranked.format, ranked.groupname, ranked, index, rules) };
  }
  return scoreSubmission(bytes, index, rules);
}

function summarizeSubmission(format: ResultsFormat, groupname: string | null, ranked: RankedResults, index: ScoringIndex, rules: ScoringRules): ScoredSubmission {
  const weights = rules.weights ?? DEFAULT_WEIGHTS;
  const { firstHitRank, present } = ranked;
  const isPublic = publicQueriesOf(index, rules.split);
  const seed = rules.bootstrapSeed ?? DEFAULT_BOOTSTRAP_SEED;
  const summary = (member: Uint8Array | null, want: 1 | 0, name: string) =>
    summarizeRanks(firstHitRank, present, member, want, { weights, bootstrapSeed: `${seed}/${name}`, resamples: rules.resamples });
  return {
    format,
    groupname,
    splits: {
      all: summary(null, 1, "all"),
      public: summary(isPublic, 1, "public"),
      private: summary(isPublic, 0, "private"),
    },
    firstHitRank,
    isPublic,
  };
}
