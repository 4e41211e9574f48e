/** One term of the score: a query earns `weight` when a correct gallery file is within its first `k` entries. */
export interface WeightTerm {
  k: number;
  weight: number;
}

/** The formats of PRODUCT.md: plain map, legacy `{groupname, images}` body, and the `[{filename, gallery_images}]` list. */
export type ResultsFormat = "plain-map" | "legacy-body" | "filename-list";

/** One ranked list as submitted, in file order. `list` holds whatever the file held; validation checks it. */
export interface SubmittedEntry {
  query: string;
  list: unknown;
}

export interface ParsedResults {
  format: ResultsFormat;
  groupname: string | null;
  entries: SubmittedEntry[];
}

export type ValidationCode =
  | "NOT_JSON"
  | "WRONG_SHAPE"
  | "EMPTY_SUBMISSION"
  | "DUPLICATE_QUERY"
  | "UNKNOWN_QUERY"
  | "NOT_A_STRING"
  | "UNKNOWN_GALLERY"
  | "DUPLICATE_IN_LIST"
  | "TOO_MANY_ENTRIES"
  | "MISSING_QUERIES";

/** Where a problem is: the query, the 1-based position in its list, and the offending value. */
export interface ProblemExample {
  query?: string;
  position?: number;
  value?: string;
  /** What was found where something else was expected, described in words (`a number (5)`). */
  found?: string;
}

/** One kind of problem, with its total count and at most MAX_EXAMPLES examples. */
export interface ValidationError {
  code: ValidationCode;
  message: string;
  count: number;
  examples: ProblemExample[];
}

export interface SplitScore {
  /** Mean over evaluated queries of Σ_k w_k·hit@k, at full precision. */
  score: number;
  /** Fraction of evaluated queries with a hit within the first k entries, per configured k. */
  hit: Record<string, number>;
  /** Evaluated queries in this split (the denominator). */
  evaluated: number;
  /** Evaluated queries of this split absent from the submission (each scored 0). */
  missing: number;
  /** Seeded percentile-bootstrap 95% interval of the score over queries. */
  ci95: [number, number];
}

export type SplitName = "all" | "public" | "private";

export interface ScoredSubmission {
  format: ResultsFormat;
  groupname: string | null;
  splits: Record<SplitName, SplitScore>;
  /** Per evaluated query (dataset order): 1-based rank of the first correct entry, 0 when none. */
  firstHitRank: Uint8Array;
  /** Per evaluated query: true when it belongs to the public split. */
  isPublic: Uint8Array;
}

export type Outcome<T, E> = { ok: true; value: T } | { ok: false; error: E };
