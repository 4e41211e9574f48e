import { randomUUID } from "node:crypto";
import type { Database } from "../db/open-database";
import { announceJob } from "../queue/announce-jobs";
import type { JobWakeUp } from "../queue/wake-up";
import type { BlobStore } from "../storage/blob-store";
import { insertScores, scoreForCompetition, type CompetitionForSubmission } from "../submissions/submit-results";
import { recordAuditEvent } from "../audit/record-audit-event";

// After a confirmed change of what a score means (split seed, public fraction, weights, partial lists, the active
// dataset version), every scored entry is scored again so the boards never mix two meanings (THREATS.md
// invariant 4). A results file — and a model's generated top-10 file when the dataset version is unchanged — is
// re-scored from its stored bytes at once; a model whose dataset changed goes back to the queue with a SCORE_MODEL
// job. Quotas are untouched: the team did not ask for it. The entry's old scores for the version are replaced.

export interface RescoreServices {
  database: Pick<Database, "prisma" | "sql">;
  store: BlobStore;
  wakeUp?: JobWakeUp;
}

export interface RescoreSummary {
  rescored: number;
  invalid: number;
  queued: number;
}

/** Rescores every SCORED entry of the competition (as it now is) against its active version; audited once. */
export async function rescoreEveryEntry(services: RescoreServices, competition: CompetitionForSubmission, actorId: string, reason: Record<string, unknown>): Promise<RescoreSummary> {
  const { database, store } = services;
  const { prisma, sql } = database;
  const summary: RescoreSummary = { rescored: 0, invalid: 0, queued: 0 };
  const versionId = competition.activeDatasetVersionId;
  if (!versionId) return summary;
  const entries = await prisma.submission.findMany({
    where: { competitionId: competition.id, status: "SCORED" },
    select: { id: true, kind: true, teamId: true, storageKey: true, resultsKey: true, datasetVersionId: true, createdAt: true },
    orderBy: { createdAt: "asc" },
  });
  const queuedJobs: { jobId: string; submissionId: string }[] = [];
  for (const entry of entries) {
    const bytesKey = entry.kind === "RESULTS" ? entry.storageKey : entry.datasetVersionId === versionId ? entry.resultsKey : null;
    if (!bytesKey) {
      const jobId = randomUUID();
      await sql.transaction(async (tx) => {
        const updated = await tx.query(
          `UPDATE submissions SET status = 'QUEUED', dataset_version_id = $2, error = NULL, started_at = NULL, finished_at = NULL WHERE id = $1 AND status = 'SCORED' RETURNING id`,
          [entry.id, versionId],
        );
        if (updated.length === 0) return;
        await tx.query(`DELETE FROM scores WHERE submission_id = $1 AND dataset_version_id = $2`, [entry.id, versionId]);
        await tx.query(`INSERT INTO jobs (id, kind, state, competition_id, team_id, submission_id, dataset_version_id) VALUES ($1, 'SCORE_MODEL', 'QUEUED', $2, $3, $4, $5)`, [
          jobId,
          competition.id,
          entry.teamId,
          entry.id,
          versionId,
        ]);
        queuedJobs.push({ jobId, submissionId: entry.id });
      });
      continue;
    }
    const scored = await scoreForCompetition(prisma, store, competition, versionId, await store.get(bytesKey));
    await sql.transaction(async (tx) => {
      await tx.query(`DELETE FROM scores WHERE submission_id = $1 AND dataset_version_id = $2`, [entry.id, versionId]);
      if (scored.ok) {
        await insertScores(tx, { submissionId: entry.id, competitionId: competition.id, teamId: entry.teamId, versionId, now: entry.createdAt }, scored.value);
        await tx.query(`UPDATE submissions SET dataset_version_id = $2, error = NULL, validation_errors = NULL WHERE id = $1`, [entry.id, versionId]);
      } else {
        // Invalid under the new settings (partial lists no longer allowed, a file the new version lacks): off the
        // boards, with the reason on its page; its quota count stays as it was.
        await tx.query(`UPDATE submissions SET status = 'INVALID', dataset_version_id = $2, error = $3, validation_errors = $4::jsonb WHERE id = $1`, [
          entry.id,
          versionId,
          `rescored after the organizers changed the scoring: ${scored.error[0]?.message ?? "invalid"}`,
          JSON.stringify(scored.error),
        ]);
      }
    });
    if (scored.ok) summary.rescored++;
    else summary.invalid++;
  }
  summary.queued = queuedJobs.length;
  await recordAuditEvent(prisma, { actorId, competitionId: competition.id, action: "competition.rescore", target: { type: "competition", id: competition.id }, details: { ...reason, ...summary } });
  // The job rows are the truth; a lost wake-up only delays them until a worker polls.
  if (services.wakeUp) for (const job of queuedJobs) await announceJob(sql, services.wakeUp, { kind: "SCORE_MODEL", jobId: job.jobId, submissionId: job.submissionId, competitionId: competition.id });
  return summary;
}
