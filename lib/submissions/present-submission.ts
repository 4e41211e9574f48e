// What a participant or organizer sees of a submission. Before the private board is revealed, participants see only
// public-split numbers: the private and "all" splits both depend on private queries.

export interface ScoreRow {
  split: "PUBLIC" | "PRIVATE" | "ALL";
  datasetVersionId?: string;
  score: number;
  hitAtK: unknown;
  evaluatedCount: number;
  missingCount: number;
  ciLow: number;
  ciHigh: number;
}

export interface SubmissionRow {
  id: string;
  kind: "RESULTS" | "MODEL";
  channel: string;
  status: string;
  fileName: string | null;
  sha256: string;
  sizeBytes: bigint;
  error: string | null;
  validationErrors: unknown;
  countsTowardQuota: boolean;
  selectedForFinal: boolean;
  createdAt: Date;
  finishedAt: Date | null;
  /** The version it was (last) scored against: a re-run against a new version leaves older scores beside it. */
  datasetVersionId?: string | null;
  executionProvider?: string | null;
  resultsKey?: string | null;
  scores?: ScoreRow[];
}

export function privateRevealed(competition: { revealedAt: Date | null; endsAt: Date | null; leaderboardVisibility: string }, now = new Date()): boolean {
  if (competition.revealedAt) return true;
  return competition.leaderboardVisibility !== "HIDDEN_UNTIL_REVEAL" && competition.endsAt !== null && now >= competition.endsAt;
}

function presentScore(row: ScoreRow) {
  return { score: row.score, hit: row.hitAtK, evaluated: row.evaluatedCount, missing: row.missingCount, ci95: [row.ciLow, row.ciHigh] };
}

export function presentSubmission(row: SubmissionRow, options: { showPrivate: boolean }) {
  const scores: Record<string, ReturnType<typeof presentScore>> = {};
  for (const score of row.scores ?? []) {
    if (score.split !== "PUBLIC" && !options.showPrivate) continue;
    if (row.datasetVersionId && score.datasetVersionId && score.datasetVersionId !== row.datasetVersionId) continue;
    scores[score.split.toLowerCase()] = presentScore(score);
  }
  return {
    id: row.id,
    kind: row.kind.toLowerCase(),
    channel: row.channel.toLowerCase(),
    status: row.status.toLowerCase(),
    fileName: row.fileName,
    sha256: row.sha256,
    size: Number(row.sizeBytes),
    error: row.error,
    validationErrors: row.validationErrors ?? null,
    countsTowardQuota: row.countsTowardQuota,
    selectedForFinal: row.selectedForFinal,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    ...(row.kind === "MODEL" ? { executionProvider: row.executionProvider ?? null, generatedResults: Boolean(row.resultsKey) } : {}),
    scores,
  };
}
