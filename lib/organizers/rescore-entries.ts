import { randomUUID } from "node:crypto";
import type { Database } from "../db/open-database";
import { announceJob } from "../queue/announce-jobs";
import type { JobWakeUp } from "../queue/wake-up";
import type { BlobStore } from "../storage/blob-store";
import { insertScores, scoreForCompetition, type CompetitionForSubmission } from "../submissions/submit-results";
import { recordAuditEvent } from "../audit/record-audit-event";

// After a confirmed change of what a score means (split seed, public fraction, weights, partial lists, the active
// dataset version), every scored entry is scored again so the boards never mix two meanings (THREATS.md
// invariant 4). The change queues one job per entry and takes the entries off the boards until their job has run:
// a RESCORE_ENTRY job re-scores a results file — or a model's generated top-10 file when the dataset version is
// unchanged — from its stored bytes with the competition's settings as they are when it runs; a model whose dataset
// changed runs again (SCORE_MODEL). Quotas are untouched: the team did not ask for it.

export interface RescoreServices {
  database: Pick<Database, "prisma" | "sql">;
  store: BlobStore;
  wakeUp?: JobWakeUp;
}

export interface RescoreSummary {
  /** Entries queued for rescoring (each off the boards until its job has run). */
  queued: number;
  /** Of those, models that run again on a new dataset version. */
  modelRuns: number;
}

/** Queues a rescore of every SCORED entry of the competition against its active version; audited once. */
export async function rescoreEveryEntry(services: RescoreServices, competition: CompetitionForSubmission, actorId: string, reason: Record<string, unknown>): Promise<RescoreSummary> {
  const { database } = services;
  const { prisma, sql } = database;
  const versionId = competition.activeDatasetVersionId;
  if (!versionId) return { queued: 0, modelRuns: 0 };
  const entries = await prisma.submission.findMany({
    where: { competitionId: competition.id, status: "SCORED" },
    select: { id: true, kind: true, teamId: true, datasetVersionId: true },
    orderBy: { createdAt: "asc" },
  });
  const queued: { jobId: string; submissionId: string; kind: "RESCORE_ENTRY" | "SCORE_MODEL" }[] = [];
  for (const entry of entries) {
    // A model's top-10 file was made from the images of its own version: on another version the model runs again.
    const kind = entry.kind === "MODEL" && entry.datasetVersionId !== versionId ? "SCORE_MODEL" : "RESCORE_ENTRY";
    const jobId = randomUUID();
    await sql.transaction(async (tx) => {
      const updated = await tx.query(
        `UPDATE submissions SET status = 'QUEUED', error = NULL, finished_at = NULL${kind === "SCORE_MODEL" ? ", dataset_version_id = $2, started_at = NULL" : ""} WHERE id = $1 AND status = 'SCORED' RETURNING id`,
        kind === "SCORE_MODEL" ? [entry.id, versionId] : [entry.id],
      );
      if (updated.length === 0) return;
      await tx.query(`DELETE FROM scores WHERE submission_id = $1 AND dataset_version_id = $2`, [entry.id, versionId]);
      await tx.query(`INSERT INTO jobs (id, kind, state, competition_id, team_id, submission_id, dataset_version_id) VALUES ($1, $2::"JobKind", 'QUEUED', $3, $4, $5, $6)`, [
        jobId,
        kind,
        competition.id,
        entry.teamId,
        entry.id,
        versionId,
      ]);
      queued.push({ jobId, submissionId: entry.id, kind });
    });
  }
  const summary = { queued: queued.length, modelRuns: queued.filter((job) => job.kind === "SCORE_MODEL").length };
  await recordAuditEvent(prisma, { actorId, competitionId: competition.id, action: "competition.rescore", target: { type: "competition", id: competition.id }, details: { ...reason, ...summary } });
  // The job rows are the truth; a lost wake-up only delays them until a worker polls (or the queue pass, on AWS).
  if (services.wakeUp) for (const job of queued) await announceJob(sql, services.wakeUp, { kind: job.kind, jobId: job.jobId, submissionId: job.submissionId, competitionId: competition.id });
  return summary;
}

/**
 * The RESCORE_ENTRY job: scores the entry's stored file (a results file, or a model's generated top-10 file) with the
 * competition's settings as they are now, against `versionId`, and puts it back on the boards — or marks it INVALID
 * with the reason when the new settings refuse it (partial lists no longer allowed, a file the new version lacks).
 */
export async function rescoreEntry(services: Pick<RescoreServices, "database" | "store">, submissionId: string, versionId: string): Promise<"rescored" | "invalid" | "skipped"> {
  const { prisma, sql } = services.database;
  const entry = await prisma.submission.findUnique({ where: { id: submissionId }, include: { competition: true } });
  if (!entry || entry.status !== "QUEUED") return "skipped";
  const bytesKey = entry.kind === "RESULTS" ? entry.storageKey : entry.resultsKey;
  if (!bytesKey) throw new Error(`submission ${submissionId} has no stored file to rescore`);
  const scored = await scoreForCompetition(prisma, services.store, entry.competition, versionId, await services.store.get(bytesKey));
  await sql.transaction(async (tx) => {
    await tx.query(`DELETE FROM scores WHERE submission_id = $1 AND dataset_version_id = $2`, [entry.id, versionId]);
    if (scored.ok) {
      await insertScores(tx, { submissionId: entry.id, competitionId: entry.competitionId, teamId: entry.teamId, versionId, now: entry.createdAt }, scored.value);
      await tx.query(`UPDATE submissions SET status = 'SCORED', dataset_version_id = $2, error = NULL, validation_errors = NULL, finished_at = now() WHERE id = $1`, [entry.id, versionId]);
    } else {
      // Its quota count stays as it was: the entry counted when it was made.
      await tx.query(`UPDATE submissions SET status = 'INVALID', dataset_version_id = $2, error = $3, validation_errors = $4::jsonb, finished_at = now() WHERE id = $1`, [
        entry.id,
        versionId,
        `rescored after the organizers changed the scoring: ${scored.error[0]?.message ?? "invalid"}`,
        JSON.stringify(scored.error),
      ]);
    }
  });
  return scored.ok ? "rescored" : "invalid";
}
