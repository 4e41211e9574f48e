import { randomUUID } from "node:crypto";
import { requireOrganizer, type Actor } from "../auth/actor";
import { getCompetitionOrThrow } from "../competitions/manage-competitions";
import type { Database } from "../db/open-database";
import { AppError } from "../errors/app-error";
import { announceJob } from "../queue/announce-jobs";
import type { JobWakeUp } from "../queue/wake-up";
import type { SplitScore, ValidationError } from "../scoring";
import type { SqlExecutor } from "../db/sql-executor";
import type { BlobStore } from "../storage/blob-store";
import { insertScores, scoreForCompetition } from "../submissions/submit-results";
import { rerunRefusal } from "./rerun-refusal";
import { recordAuditEvent } from "../audit/record-audit-event";

// An organizer re-runs an entry against the competition's active dataset version — after a ground-truth fix, say.
// A results file is scored again at once from its stored bytes and its new scores recorded beside the old ones
// (scores are unique per submission, version and split, so the same version twice changes nothing). A model goes
// back to the queue with a new SCORE_MODEL job. Neither touches the quota: the team did not ask for it.

export type RerunOutcome =
  | { kind: "rescored"; submissionId: string; version: number; splits: Record<"public" | "private" | "all", SplitScore> }
  | { kind: "unchanged"; submissionId: string; version: number; message: string }
  | { kind: "invalid"; submissionId: string; version: number; errors: ValidationError[]; message: string }
  | { kind: "queued"; submissionId: string; version: number; jobId: string };

async function audit(tx: SqlExecutor, row: { actorId: string; competitionId: string; submissionId: string; data: { previous: { status: string; datasetVersionId: string | null } } & Record<string, unknown> }): Promise<void> {
  const { previous, ...details } = row.data;
  await recordAuditEvent(tx, {
    actorId: row.actorId,
    competitionId: row.competitionId,
    action: "submission.rerun",
    target: { type: "submission", id: row.submissionId },
    changes: { status: { before: previous.status.toLowerCase(), after: details.outcome ?? "queued" } },
    details: { ...details, previous },
  });
}

export async function rerunSubmission(
  database: Pick<Database, "prisma" | "sql">,
  store: BlobStore,
  actor: Actor,
  slug: string,
  id: string,
  options: { wakeUp?: JobWakeUp } = {},
): Promise<RerunOutcome> {
  const { prisma, sql } = database;
  const competition = await getCompetitionOrThrow(prisma, slug);
  await requireOrganizer(prisma, actor, competition);
  const submission = await prisma.submission.findFirst({ where: { id, competitionId: competition.id } });
  if (!submission) throw new AppError("NOT_FOUND", `no submission ${id} in ${slug}`);
  const refusal = rerunRefusal(submission);
  if (refusal) throw new AppError("CONFLICT", `submission ${id} cannot be re-run: ${refusal}`);
  if (!competition.activeDatasetVersionId) throw new AppError("UNAVAILABLE", `${slug} has no active dataset version to score against`);
  const version = await prisma.datasetVersion.findUniqueOrThrow({ where: { id: competition.activeDatasetVersionId }, select: { id: true, number: true } });
  const actorId = actor!.userId;
  const previous = { status: submission.status, datasetVersionId: submission.datasetVersionId };

  const alreadyScored = submission.status === "SCORED" && (await prisma.score.count({ where: { submissionId: id, datasetVersionId: version.id } })) > 0;
  if (alreadyScored) {
    return { kind: "unchanged", submissionId: id, version: version.number, message: `already scored against dataset version ${version.number}, the active one: nothing changed` };
  }

  if (submission.kind === "MODEL") {
    const jobId = randomUUID();
    await sql.transaction(async (tx) => {
      // Conditional on the status read above, so two organizers cannot queue it twice.
      const updated = await tx.query(
        `UPDATE submissions SET status = 'QUEUED', dataset_version_id = $2, error = NULL, failure_code = NULL, started_at = NULL, finished_at = NULL WHERE id = $1 AND status = $3::"SubmissionStatus" RETURNING id`,
        [id, version.id, submission.status],
      );
      if (updated.length === 0) throw new AppError("CONFLICT", `submission ${id} changed meanwhile; reload and try again`);
      await tx.query(`INSERT INTO jobs (id, kind, state, competition_id, team_id, submission_id, dataset_version_id) VALUES ($1, 'SCORE_MODEL', 'QUEUED', $2, $3, $4, $5)`, [
        jobId,
        competition.id,
        submission.teamId,
        id,
        version.id,
      ]);
      await audit(tx, { actorId, competitionId: competition.id, submissionId: id, data: { kind: "model", version: version.number, jobId, previous } });
    });
    // The row is the truth; a lost wake-up only delays the job until a worker polls (or the scheduled announcer).
    if (options.wakeUp) await announceJob(sql, options.wakeUp, { kind: "SCORE_MODEL", jobId, submissionId: id, competitionId: competition.id });
    return { kind: "queued", submissionId: id, version: version.number, jobId };
  }

  const bytes = await store.get(submission.storageKey);
  const scored = await scoreForCompetition(prisma, store, competition, version.id, bytes);
  if (!scored.ok) {
    const message = `not valid against dataset version ${version.number}: ${scored.error[0]?.message ?? "invalid"}`;
    await sql.transaction(async (tx) => {
      // A scored entry keeps its status and scores (it simply has none for the new version); one that never scored
      // now shows why.
      if (submission.status !== "SCORED") {
        await tx.query(`UPDATE submissions SET status = 'INVALID', dataset_version_id = $2, error = $3, validation_errors = $4::jsonb, finished_at = now() WHERE id = $1`, [
          id,
          version.id,
          scored.error[0]?.message ?? "invalid",
          JSON.stringify(scored.error),
        ]);
      }
      await audit(tx, { actorId, competitionId: competition.id, submissionId: id, data: { kind: "results", version: version.number, outcome: "invalid", previous } });
    });
    return { kind: "invalid", submissionId: id, version: version.number, errors: scored.error, message };
  }
  await sql.transaction(async (tx) => {
    await insertScores(tx, { submissionId: id, competitionId: competition.id, teamId: submission.teamId, versionId: version.id, now: submission.createdAt }, scored.value);
    await tx.query(`UPDATE submissions SET status = 'SCORED', dataset_version_id = $2, error = NULL, validation_errors = NULL, finished_at = now() WHERE id = $1`, [id, version.id]);
    await audit(tx, { actorId, competitionId: competition.id, submissionId: id, data: { kind: "results", version: version.number, outcome: "scored", previous } });
  });
  const { splits } = scored.value;
  return { kind: "rescored", submissionId: id, version: version.number, splits: { public: splits.public, private: splits.private, all: splits.all } };
}
