import { createHash, randomUUID } from "node:crypto";
import type { Database } from "../db/open-database";
import { AppError } from "../errors/app-error";
import type { BlobStore } from "../storage/blob-store";
import { checkWeights, scoreSubmission, type ScoredSubmission, type SplitScore, type ValidationError, type WeightTerm } from "../scoring";
import { formatInZone, nextQuotaReset, quotaDayOf } from "./quota-day";
import { scoringIndexFor } from "./scoring-index-cache";
import { consumeRateLimit, rateLimitExhausted, throwIfRefused } from "../rate-limits/rate-limits";
import type { SqlExecutor } from "../db/sql-executor";
import { entryDetailsColumns, type EntryDetails } from "./entry-details";

// The one pipeline of results files, whatever the door (browser, API, CLI, legacy endpoint): store the exact bytes,
// validate and score with lib/scoring against the active dataset version, then — under a per-team lock, so quotas
// are exact under concurrency — count it and record its scores.

export type SubmissionChannel = "WEB" | "API" | "CLI" | "LEGACY";

/** Prisma for lookups; plain SQL for the hot path's writes, where Prisma's per-query overhead would dominate. */
export type SubmitDatabase = Pick<Database, "prisma" | "sql">;

export interface ResultsSubmission {
  competitionId: string;
  teamId: string;
  /** Already loaded by the caller (saves the lookups on the hot path). */
  competition?: CompetitionForSubmission;
  team?: TeamForSubmission;
  userId: string | null;
  channel: SubmissionChannel;
  bytes: Uint8Array;
  fileName: string | null;
  /** The team's name and description of the entry, validated (entry-details.ts); the legacy endpoint has none. */
  details?: EntryDetails;
  now?: Date;
}

export type SubmitOutcome =
  | { kind: "scored"; submissionId: string; splits: Record<"public" | "private" | "all", SplitScore> }
  | { kind: "invalid"; submissionId: string; errors: ValidationError[] }
  | { kind: "quota"; submissionId: string; message: string; resetsAt: Date | null }
  | { kind: "queued"; submissionId: string; message: string };

export type TeamForSubmission = { id: string; name: string; disqualified_at: Date | null; disqualified_reason: string | null };

export type CompetitionForSubmission = {
  id: string;
  slug: string;
  timeZone: string;
  startsAt: Date | null;
  endsAt: Date | null;
  submissionKinds: ("RESULTS" | "MODEL")[];
  dailyLimit: number | null;
  totalLimit: number | null;
  allowPartial: boolean;
  publicFraction: number;
  splitSeed: string;
  scoringWeights: unknown;
  activeDatasetVersionId: string | null;
};

/** Refuses outside the schedule, for a kind the competition does not take, or without an active dataset. */
export function checkSubmissionWindow(competition: CompetitionForSubmission, now: Date, kind: "RESULTS" | "MODEL"): void {
  if (competition.startsAt && now < competition.startsAt) {
    throw new AppError("FORBIDDEN", `${competition.slug} opens for submissions at ${formatInZone(competition.startsAt, competition.timeZone)}`);
  }
  if (competition.endsAt && now >= competition.endsAt) {
    throw new AppError("FORBIDDEN", `${competition.slug} closed for submissions at ${formatInZone(competition.endsAt, competition.timeZone)}`);
  }
  if (!competition.submissionKinds.includes(kind)) {
    throw new AppError("BAD_REQUEST", `${competition.slug} accepts ${competition.submissionKinds.map((item) => (item === "RESULTS" ? "results files" : "models")).join(" and ")} only`);
  }
  if (!competition.activeDatasetVersionId) throw new AppError("UNAVAILABLE", `${competition.slug} has no active dataset yet: submissions open once the organizers activate one`);
}

/** Validates and scores a results file with the competition's weights and split against one dataset version. */
export async function scoreForCompetition(
  prisma: SubmitDatabase["prisma"],
  store: BlobStore,
  competition: Pick<CompetitionForSubmission, "scoringWeights" | "allowPartial" | "splitSeed" | "publicFraction">,
  versionId: string,
  bytes: Uint8Array,
): Promise<ReturnType<typeof scoreSubmission>> {
  const index = await scoringIndexFor(store, versionId, async () => (await prisma.datasetVersion.findUniqueOrThrow({ where: { id: versionId } })).truthKey);
  const weights = checkWeights(competition.scoringWeights as unknown as WeightTerm[]);
  if (!weights.ok) throw new AppError("INTERNAL", `the competition's weights are invalid: ${weights.error}`);
  return scoreSubmission(bytes, index, { weights: weights.value, allowPartial: competition.allowPartial, split: { seed: competition.splitSeed, publicFraction: competition.publicFraction } });
}

export async function submitResults(database: SubmitDatabase, store: BlobStore, input: ResultsSubmission): Promise<SubmitOutcome> {
  const { prisma, sql } = database;
  const now = input.now ?? new Date();
  const competition = input.competition ?? (await prisma.competition.findUniqueOrThrow({ where: { id: input.competitionId } }));
  checkSubmissionWindow(competition, now, "RESULTS");
  const team =
    input.team ??
    (await sql.query<TeamForSubmission>(`SELECT id, name, disqualified_at, disqualified_reason FROM teams WHERE id = $1 AND competition_id = $2`, [input.teamId, competition.id]))[0];
  if (!team) throw new AppError("NOT_FOUND", `no team ${input.teamId} in ${competition.slug}`);
  if (team.disqualified_at) throw new AppError("FORBIDDEN", `team "${team.name}" was disqualified${team.disqualified_reason ? `: ${team.disqualified_reason}` : ""}`);
  const versionId = competition.activeDatasetVersionId!;
  // A team that has sent too many refused files lately waits before anything more is stored or parsed.
  throwIfRefused(await rateLimitExhausted(prisma, "failedSubmissionsPerTeam", input.teamId));

  // 1. The exact bytes go to storage first; scoring runs while they travel, and nothing is recorded before they
  // are stored. Every outcome then writes the submission's row once (a scored one in the same transaction as its
  // quota count and scores), so a reply the client received always has its bytes and its record.
  const id = randomUUID();
  const storageKey = `submissions/${competition.id}/${input.teamId}/${id}.json`;
  const storing = store.put(storageKey, input.bytes, { contentType: "application/json" });
  storing.catch(() => {}); // awaited below; this only keeps an early failure from being reported as unhandled
  const row: SubmissionRowValues = {
    id,
    competitionId: competition.id,
    teamId: input.teamId,
    userId: input.userId,
    versionId,
    channel: input.channel,
    fileName: input.fileName,
    ...entryDetailsColumns(input.details),
    storageKey,
    sha256: createHash("sha256").update(input.bytes).digest("hex"),
    size: input.bytes.length,
    quotaDay: quotaDayOf(now, competition.timeZone),
    now,
  };

  // 2. Validate and score with the one scoring module.
  let scored: ReturnType<typeof scoreSubmission>;
  try {
    scored = await scoreForCompetition(prisma, store, competition, versionId, input.bytes);
  } catch (error) {
    // Stored but not scored here: it waits for the worker, and is never lost.
    await storing;
    const message = `scoring will finish in the background (${error instanceof Error ? error.message : String(error)})`;
    await sql.transaction(async (tx) => {
      await insertSubmission(tx, row, { status: "QUEUED", counts: false, error: message });
      await tx.query(`INSERT INTO jobs (id, kind, state, competition_id, team_id, submission_id, dataset_version_id) VALUES ($1, 'SCORE_RESULTS', 'QUEUED', $2, $3, $4, $5)`, [
        randomUUID(),
        competition.id,
        input.teamId,
        id,
        versionId,
      ]);
    });
    return { kind: "queued", submissionId: id, message };
  }
  await storing;
  if (!scored.ok) {
    await insertSubmission(sql, row, { status: "INVALID", counts: false, error: scored.error[0]?.message ?? "invalid", validationErrors: scored.error, finished: true });
    await consumeRateLimit(prisma, "failedSubmissionsPerTeam", input.teamId);
    return { kind: "invalid", submissionId: id, errors: scored.error };
  }
  return recordScoredSubmission(sql, { row, competition, scored: scored.value });
}

interface SubmissionRowValues {
  id: string;
  competitionId: string;
  teamId: string;
  userId: string | null;
  versionId: string;
  channel: SubmissionChannel;
  fileName: string | null;
  name: string | null;
  description: string | null;
  storageKey: string;
  sha256: string;
  size: number;
  quotaDay: string;
  now: Date;
}

type SubmissionOutcomeValues = { status: "QUEUED" | "INVALID" | "SCORED" | "CANCELLED"; counts: boolean; error?: string | null; validationErrors?: unknown; finished?: boolean };

/** The INSERT of a results submission's row. */
function submissionInsert(row: SubmissionRowValues, outcome: SubmissionOutcomeValues): { text: string; values: unknown[] } {
  return {
    text: `INSERT INTO submissions (id, competition_id, team_id, submitted_by_id, dataset_version_id, kind, channel, status, file_name, storage_key, sha256, size_bytes,
       counts_toward_quota, quota_day, created_at, error, validation_errors, finished_at, name, description)
     VALUES ($1, $2, $3, $4, $5, 'RESULTS', $6::"SubmissionChannel", $7::"SubmissionStatus", $8, $9, $10, $11, $12, $13, $14, $15, $16::jsonb, $17, $18, $19)`,
    values: [
      row.id,
      row.competitionId,
      row.teamId,
      row.userId,
      row.versionId,
      row.channel,
      outcome.status,
      row.fileName,
      row.storageKey,
      row.sha256,
      row.size,
      outcome.counts,
      row.quotaDay,
      row.now,
      outcome.error ?? null,
      outcome.validationErrors === undefined ? null : JSON.stringify(outcome.validationErrors),
      outcome.finished ? new Date() : null,
      row.name,
      row.description,
    ],
  };
}

async function insertSubmission(sql: SqlExecutor, row: SubmissionRowValues, outcome: SubmissionOutcomeValues): Promise<void> {
  const { text, values } = submissionInsert(row, outcome);
  await sql.query(text, values);
}

/** Counts the submission against the team's quotas under a row lock on the team, and records it with its scores. */
async function recordScoredSubmission(
  sql: SqlExecutor,
  input: { row: SubmissionRowValues; competition: CompetitionForSubmission; scored: ScoredSubmission; existing?: boolean },
): Promise<SubmitOutcome> {
  const { competition, scored, row } = input;
  // A new entry gets its row now; a queued one (finished by a worker) already has it.
  const write = (tx: SqlExecutor, outcome: { status: "SCORED" | "CANCELLED"; counts: boolean; error?: string }) =>
    input.existing
      ? tx.query(`UPDATE submissions SET status = $2::"SubmissionStatus", counts_toward_quota = $3, error = $4, finished_at = now() WHERE id = $1`, [row.id, outcome.status, outcome.counts, outcome.error ?? null])
      : insertSubmission(tx, row, { ...outcome, finished: true });
  return sql.transaction(async (tx) => {
    const refusal = await quotaRefusal(tx, competition, row.teamId, row.quotaDay, row.now);
    if (refusal) {
      await write(tx, { status: "CANCELLED", counts: false, error: refusal.message });
      return { kind: "quota" as const, submissionId: row.id, ...refusal };
    }
    const scoreRow = { submissionId: row.id, competitionId: competition.id, teamId: row.teamId, versionId: row.versionId, now: row.now };
    if (input.existing) {
      await write(tx, { status: "SCORED", counts: true });
      await insertScores(tx, scoreRow, scored);
    } else {
      // The new row and its scores in one statement: one round trip less while the team's row is locked.
      const submission = submissionInsert(row, { status: "SCORED", counts: true, finished: true });
      const scores = scoresInsert(scoreRow, scored, submission.values.length);
      await tx.query(`WITH inserted_submission AS (${submission.text} RETURNING id) ${scores.text}`, [...submission.values, ...scores.values]);
    }
    return { kind: "scored" as const, submissionId: row.id, splits: { public: scored.splits.public, private: scored.splits.private, all: scored.splits.all } };
  });
}

/** Where a team stands against the competition's quotas; null limits and counts left mean "no limit". */
export interface QuotaState {
  dailyLimit: number | null;
  usedToday: number;
  /** Counted entries the team may still make today: the daily and the total limit both apply. */
  leftToday: number | null;
  totalLimit: number | null;
  usedTotal: number;
  leftTotal: number | null;
  /** When the daily count starts again (midnight in the competition's zone), if there is a daily limit. */
  resetsAt: Date | null;
}

/** The team's counted submissions today (`quotaDay`) and in total. Inside quotaRefusal, after the team's row lock. */
export async function countQuotaUses(sql: SqlExecutor, teamId: string, quotaDay: string): Promise<{ today: number; total: number }> {
  const [counts] = await sql.query<{ today: number; total: number }>(
    `SELECT count(*) FILTER (WHERE quota_day = $2)::int AS today, count(*)::int AS total FROM submissions WHERE team_id = $1 AND counts_toward_quota`,
    [teamId, quotaDay],
  );
  return counts!;
}

/** The quota state from the counts: the one computation behind refusals and "entries left today". */
export function quotaStateOf(competition: Pick<CompetitionForSubmission, "totalLimit" | "dailyLimit" | "timeZone">, counts: { today: number; total: number }, now: Date): QuotaState {
  const leftTotal = competition.totalLimit === null ? null : Math.max(0, competition.totalLimit - counts.total);
  const leftDaily = competition.dailyLimit === null ? null : Math.max(0, competition.dailyLimit - counts.today);
  const leftToday = leftDaily === null ? leftTotal : leftTotal === null ? leftDaily : Math.min(leftDaily, leftTotal);
  return {
    dailyLimit: competition.dailyLimit,
    usedToday: counts.today,
    leftToday,
    totalLimit: competition.totalLimit,
    usedTotal: counts.total,
    leftTotal,
    resetsAt: competition.dailyLimit === null ? null : nextQuotaReset(now, competition.timeZone),
  };
}

/** Why the team cannot make one more counted submission in this state, or null. */
export function quotaRefusalOf(competition: Pick<CompetitionForSubmission, "totalLimit" | "dailyLimit" | "timeZone">, state: QuotaState): { message: string; resetsAt: Date | null } | null {
  if (state.leftTotal === 0) return { message: `quota reached: ${competition.totalLimit} counted submissions in total for this competition`, resetsAt: null };
  if (state.leftToday === 0 && state.resetsAt) {
    return { message: `quota reached: ${competition.dailyLimit} submissions per day; resets at ${formatInZone(state.resetsAt, competition.timeZone)}`, resetsAt: state.resetsAt };
  }
  return null;
}

/**
 * Why one more counted submission would exceed the team's quota, or null. Takes a row lock on the team first: it
 * serializes the team's submissions, so the counts see every earlier one. Call inside a transaction.
 */
export async function quotaRefusal(
  tx: SqlExecutor,
  competition: Pick<CompetitionForSubmission, "totalLimit" | "dailyLimit" | "timeZone">,
  teamId: string,
  quotaDay: string,
  now: Date,
): Promise<{ message: string; resetsAt: Date | null } | null> {
  await tx.query(`SELECT id FROM teams WHERE id = $1 FOR UPDATE`, [teamId]);
  return quotaRefusalOf(competition, quotaStateOf(competition, await countQuotaUses(tx, teamId, quotaDay), now));
}

/** Records a submission's public, private and all-queries scores; a second call for the same entry changes nothing. */
export async function insertScores(
  tx: SqlExecutor,
  row: { submissionId: string; competitionId: string; teamId: string; versionId: string; now: Date },
  scored: ScoredSubmission,
): Promise<void> {
  const { text, values } = scoresInsert(row, scored);
  await tx.query(text, values);
}

/** The INSERT of a submission's three split scores, its parameters numbered after `offset` others. */
function scoresInsert(
  row: { submissionId: string; competitionId: string; teamId: string; versionId: string; now: Date },
  scored: ScoredSubmission,
  offset = 0,
): { text: string; values: unknown[] } {
  const splits = (["PUBLIC", "PRIVATE", "ALL"] as const).map((split) => [split, scored.splits[split.toLowerCase() as "public" | "private" | "all"]] as const);
  const values: unknown[] = [];
  const rows = splits.map(([split, score], i) => {
    values.push(randomUUID(), row.submissionId, row.competitionId, row.teamId, row.versionId, split, score.score, JSON.stringify(score.hit), score.evaluated, score.missing, score.ci95[0], score.ci95[1], row.now);
    const at = offset + i * 13;
    return `($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}, $${at + 5}, $${at + 6}::"ScoreSplit", $${at + 7}, $${at + 8}::jsonb, $${at + 9}, $${at + 10}, $${at + 11}, $${at + 12}, $${at + 13})`;
  });
  return {
    text: `INSERT INTO scores (id, submission_id, competition_id, team_id, dataset_version_id, split, score, hit_at_k, evaluated_count, missing_count, ci_low, ci_high, created_at) VALUES ${rows.join(", ")}
     ON CONFLICT (submission_id, dataset_version_id, split) DO NOTHING`,
    values,
  };
}

/**
 * Finishes a QUEUED results submission (the worker's SCORE_RESULTS job): the same validation, scoring and quota
 * count as in the request, from the stored bytes. Does nothing to an entry that is no longer queued.
 */
export async function finishQueuedSubmission(database: SubmitDatabase, store: BlobStore, submissionId: string, storedBytes?: Uint8Array): Promise<SubmitOutcome | null> {
  const { prisma, sql } = database;
  const submission = await prisma.submission.findUniqueOrThrow({ where: { id: submissionId }, include: { competition: true } });
  if (submission.status !== "QUEUED" || submission.kind !== "RESULTS") return null;
  const competition = submission.competition;
  const versionId = submission.datasetVersionId ?? competition.activeDatasetVersionId;
  if (!versionId) throw new AppError("UNAVAILABLE", "no dataset version to score against");
  const bytes = storedBytes ?? (await store.get(submission.storageKey));
  const scored = await scoreForCompetition(prisma, store, competition, versionId, bytes);
  if (!scored.ok) {
    await sql.query(`UPDATE submissions SET status = 'INVALID', counts_toward_quota = false, error = $2, validation_errors = $3::jsonb, finished_at = now() WHERE id = $1`, [
      submissionId,
      scored.error[0]?.message ?? "invalid",
      JSON.stringify(scored.error),
    ]);
    return { kind: "invalid", submissionId, errors: scored.error };
  }
  const row: SubmissionRowValues = {
    id: submission.id,
    competitionId: competition.id,
    teamId: submission.teamId,
    userId: submission.submittedById,
    versionId,
    channel: submission.channel,
    fileName: submission.fileName,
    name: submission.name,
    description: submission.description,
    storageKey: submission.storageKey,
    sha256: submission.sha256,
    size: Number(submission.sizeBytes),
    quotaDay: submission.quotaDay,
    now: submission.createdAt,
  };
  return recordScoredSubmission(sql, { row, competition, scored: scored.value, existing: true });
}
