// The only implementation of Podium's scoring rules (PRODUCT.md "Scoring — the one formula"), shared by the web
// tier, the worker and the CLI.
export * from "./types";
export { DEFAULT_WEIGHTS, MAX_K, checkWeights, formatWeights, maxListLength, maxScore, parseWeights } from "./weights";
export { MAX_EXAMPLES, formatValidationErrors } from "./problems";
export { baseName, parseResults } from "./parse-results";
export { buildScoringIndex, type ScoringDataset, type ScoringIndex } from "./scoring-index";
export { rankResults } from "./rank-results";
export { splitQueries, type SplitSettings } from "./split-queries";
export { bootstrapInterval, quantile, DEFAULT_RESAMPLES } from "./bootstrap-interval";
export { queryValue, summarizeRanks } from "./summarize-ranks";
export { DEFAULT_BOOTSTRAP_SEED, publicQueriesOf, scoreParsedResults, scoreSubmission, scoreSubmissionInParallel, type ScoringRules } from "./score-submission";
export { PARALLEL_MIN_BYTES, RankWorker, readFileShared } from "./parallel-rank";
export { createRandom } from "./random";
