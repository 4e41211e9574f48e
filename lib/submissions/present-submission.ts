import { z } from "zod";
import { NOT_AN_IMPROVEMENT, type LadderStep } from "../leaderboards/ladder";
import { teamFailureMessage } from "../models/failure-vocabulary";

// What a participant or organizer sees of a submission. Before the private board is revealed, participants see only
// public-split numbers: the private and "all" splits both depend on private queries. A model's failure on hidden data
// reaches its team only as a fixed text (lib/models/failure-vocabulary.ts), its progress only coarsely; organizers
// see the full reason and progress.

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
  /** The team's name and description of the entry (plain text, shown escaped; entry-details.ts). */
  name?: string | null;
  description?: string | null;
  sha256: string;
  sizeBytes: bigint;
  error: string | null;
  /** A model run's failure, from the fixed vocabulary: what its team is told. */
  failureCode?: string | null;
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

function presentScore(row: ScoreRow): { score: number; hit: unknown; evaluated: number; missing: number; ci95: number[]; ladder?: string } {
  return { score: row.score, hit: row.hitAtK, evaluated: row.evaluatedCount, missing: row.missingCount, ci95: [row.ciLow, row.ciHigh] };
}

/**
 * A public score under the ladder (lib/leaderboards/ladder.ts): the team's shown value after the entry, and whether
 * the entry moved it — never the exact score, hit@k or interval, which would undo the ladder.
 */
function presentLadderScore(row: ScoreRow, step: LadderStep) {
  return { score: step.shown, hit: {}, evaluated: row.evaluatedCount, missing: row.missingCount, ci95: [step.shown, step.shown], ladder: step.improved ? "improved" : NOT_AN_IMPROVEMENT };
}

/** `ladder`: the team's ladder steps by submission id while the ladder applies (team-ladder.ts), else null. */
/**
 * The error a viewer may read: organizers the full reason; a team the fixed text of its failure code — or, for a model
 * that failed without one (rows older than the vocabulary), a generic text, since its reason may quote hidden data.
 */
function visibleError(row: SubmissionRow, organizer: boolean): string | null {
  if (organizer) return row.error;
  if (row.failureCode) return teamFailureMessage(row.failureCode);
  if (row.kind === "MODEL" && row.status === "FAILED") return teamFailureMessage("run.unknown");
  return row.error;
}

export function presentSubmission(row: SubmissionRow, options: { showPrivate: boolean; organizer?: boolean; ladder?: ReadonlyMap<string, LadderStep> | null }) {
  const scores: Record<string, ReturnType<typeof presentScore>> = {};
  for (const score of row.scores ?? []) {
    if (score.split !== "PUBLIC" && !options.showPrivate) continue;
    if (row.datasetVersionId && score.datasetVersionId && score.datasetVersionId !== row.datasetVersionId) continue;
    if (score.split === "PUBLIC" && options.ladder) {
      const step = options.ladder.get(row.id);
      if (step) scores.public = presentLadderScore(score, step);
      continue;
    }
    scores[score.split.toLowerCase()] = presentScore(score);
  }
  return {
    id: row.id,
    kind: row.kind.toLowerCase(),
    channel: row.channel.toLowerCase(),
    status: row.status.toLowerCase(),
    fileName: row.fileName,
    name: row.name ?? null,
    description: row.description ?? null,
    sha256: row.sha256,
    size: Number(row.sizeBytes),
    error: visibleError(row, options.organizer ?? false),
    failureCode: row.failureCode ?? null,
    ...(options.organizer && row.failureCode ? { teamError: teamFailureMessage(row.failureCode) } : {}),
    validationErrors: row.validationErrors ?? null,
    countsTowardQuota: row.countsTowardQuota,
    selectedForFinal: row.selectedForFinal,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    ...(row.kind === "MODEL" ? { executionProvider: row.executionProvider ?? null, generatedResults: Boolean(row.resultsKey) } : {}),
    scores,
  };
}

const storedProgressSchema = z.object({ phase: z.string(), done: z.number(), total: z.number(), etaSeconds: z.number().nullable().optional() }).passthrough();

/** Steps a team's progress moves in: fine enough to follow a run, too coarse to time a batch. */
const TEAM_PROGRESS_STEP = 10;

/**
 * A job's progress for a viewer: the phase and a percentage rounded down to a multiple of 10 for a team; everything
 * stored (images done, total, ETA) and the exact percentage for organizers. Null when none is recorded.
 */
export function presentJobProgress(stored: unknown, organizer: boolean) {
  const parsed = storedProgressSchema.safeParse(stored);
  if (!parsed.success) return null;
  const { phase, done, total } = parsed.data;
  const fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  if (!organizer) return { phase, percent: Math.floor((fraction * 100) / TEAM_PROGRESS_STEP) * TEAM_PROGRESS_STEP };
  return { ...parsed.data, etaSeconds: parsed.data.etaSeconds ?? null, percent: Math.round(fraction * 1000) / 10 };
}
