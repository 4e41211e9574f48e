import type { SqlExecutor } from "../db/sql-executor";
import { failureCode } from "../models/failure-vocabulary";

// Jobs live in PostgreSQL: claimed with FOR UPDATE SKIP LOCKED under a lease that a heartbeat renews. A worker that
// dies loses its lease; the sweeper re-queues the job (or fails it after its last attempt, refunding the quota unit,
// because the fault was ours). Claims are fair: the competition and team with the least work running, and the
// competition served least recently, come first — not first-in-first-out.

export type JobKind = "VALIDATE_DATASET" | "SCORE_RESULTS" | "SCORE_MODEL" | "RESCORE_ENTRY" | "CHECK_MODEL";

/** A job failure that retrying cannot cure; the handler has already recorded the outcome on the submission. */
export class FinalJobError extends Error {
  readonly final = true;
}

export interface ClaimedJob {
  id: string;
  kind: JobKind;
  competitionId: string;
  teamId: string | null;
  submissionId: string | null;
  datasetVersionId: string | null;
  attempts: number;
  maxAttempts: number;
}

interface JobRow {
  id: string;
  kind: JobKind;
  competition_id: string;
  team_id: string | null;
  submission_id: string | null;
  dataset_version_id: string | null;
  attempts: number;
  max_attempts: number;
}

const toJob = (row: JobRow): ClaimedJob => ({
  id: row.id,
  kind: row.kind,
  competitionId: row.competition_id,
  teamId: row.team_id,
  submissionId: row.submission_id,
  datasetVersionId: row.dataset_version_id,
  attempts: row.attempts,
  maxAttempts: row.max_attempts,
});

/**
 * Claims the next due job in fair order. While a team under its share waits, a team that already has
 * `teamMaxRunning` model jobs running is skipped: one team's models never hold every worker while others wait (docs
 * THREATS.md, invariant 6). Running capacity is not known globally (local lanes, Batch), so the share is a count;
 * when every waiting team is at its share, nobody is skipped and no worker idles.
 */
export async function claimNextJob(
  sql: SqlExecutor,
  options: { workerId: string; kinds: JobKind[]; leaseSeconds: number; teamMaxRunning?: number; /** This worker's memory for model jobs: larger ones wait for a larger worker. */ memoryCapacityBytes?: number },
): Promise<ClaimedJob | null> {
  return sql.transaction(async (tx) => {
    const [row] = await tx.query<JobRow>(
      `WITH running AS (
         SELECT team_id, count(*) AS models FROM jobs WHERE state = 'RUNNING' AND kind = 'SCORE_MODEL' AND team_id IS NOT NULL GROUP BY team_id
       ),
       next AS (
         SELECT j.id
         FROM jobs j
         WHERE j.state = 'QUEUED' AND j.run_after <= now() AND j.kind::text = ANY($2::text[])
           AND ($5::bigint IS NULL OR j.memory_bytes IS NULL OR j.memory_bytes <= $5::bigint)
           AND NOT (
             j.kind = 'SCORE_MODEL' AND j.team_id IS NOT NULL
             AND COALESCE((SELECT models FROM running WHERE running.team_id = j.team_id), 0) >= $4
             AND EXISTS (
               SELECT 1 FROM jobs w
               WHERE w.state = 'QUEUED' AND w.run_after <= now() AND w.kind::text = ANY($2::text[]) AND w.team_id IS NOT NULL AND w.team_id <> j.team_id
                 AND COALESCE((SELECT models FROM running WHERE running.team_id = w.team_id), 0) < $4
             )
           )
         ORDER BY
           (SELECT count(*) FROM jobs r WHERE r.state = 'RUNNING' AND r.competition_id = j.competition_id),
           (SELECT max(r.started_at) FROM jobs r WHERE r.competition_id = j.competition_id) ASC NULLS FIRST,
           (SELECT count(*) FROM jobs r WHERE r.state = 'RUNNING' AND r.team_id = j.team_id),
           j.created_at
         LIMIT 1
         FOR UPDATE OF j SKIP LOCKED
       )
       UPDATE jobs SET state = 'RUNNING', worker_id = $1, attempts = jobs.attempts + 1,
         lease_expires_at = now() + make_interval(secs => $3), heartbeat_at = now(), started_at = now()
       FROM next WHERE jobs.id = next.id
       RETURNING jobs.id, jobs.kind, jobs.competition_id, jobs.team_id, jobs.submission_id, jobs.dataset_version_id, jobs.attempts, jobs.max_attempts`,
      [options.workerId, options.kinds, options.leaseSeconds, options.teamMaxRunning ?? 1, options.memoryCapacityBytes ?? null],
    );
    return row ? toJob(row) : null;
  });
}

/** The job an AWS Batch job was started for: a submission's latest job (GPU workers) or one job by id (CPU tasks). */
export type JobTarget = { submissionId: string } | { jobId: string };

const targetCondition = (target: JobTarget) => ("jobId" in target ? { column: "id", value: target.jobId } : { column: "submission_id", value: target.submissionId });

/**
 * Claims the waiting job a Batch job was started for (`podium-worker --submission ID` or `--job ID`), whatever the
 * queue order: Batch already decided it runs now. Null when it is not waiting (done, or held by a live worker). It
 * waits for a row lock rather than skipping the row: a brief lock (an announcement's stamp) must not read as "taken".
 */
export async function claimTargetJob(sql: SqlExecutor, options: { workerId: string; target: JobTarget; leaseSeconds: number }): Promise<ClaimedJob | null> {
  const { column, value } = targetCondition(options.target);
  const [row] = await sql.query<JobRow>(
    `UPDATE jobs SET state = 'RUNNING', worker_id = $1, attempts = jobs.attempts + 1,
       lease_expires_at = now() + make_interval(secs => $3), heartbeat_at = now(), started_at = now()
     WHERE id = (SELECT id FROM jobs WHERE ${column} = $2 AND state = 'QUEUED' ORDER BY created_at DESC LIMIT 1 FOR UPDATE)
     RETURNING id, kind, competition_id, team_id, submission_id, dataset_version_id, attempts, max_attempts`,
    [options.workerId, value, options.leaseSeconds],
  );
  return row ? toJob(row) : null;
}

/** Renews the lease; false when this worker no longer holds the job (it expired and was taken over). */
export async function heartbeatJob(sql: SqlExecutor, jobId: string, workerId: string, leaseSeconds: number, progress?: unknown): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE jobs SET lease_expires_at = now() + make_interval(secs => $3), heartbeat_at = now(), progress = COALESCE($4::jsonb, progress)
     WHERE id = $1 AND worker_id = $2 AND state = 'RUNNING' RETURNING id`,
    [jobId, workerId, leaseSeconds, progress === undefined ? null : JSON.stringify(progress)],
  );
  return rows.length === 1;
}

export async function completeJob(sql: SqlExecutor, jobId: string, workerId: string): Promise<boolean> {
  const rows = await sql.query(`UPDATE jobs SET state = 'SUCCEEDED', finished_at = now(), lease_expires_at = NULL WHERE id = $1 AND worker_id = $2 AND state = 'RUNNING' RETURNING id`, [jobId, workerId]);
  return rows.length === 1;
}

/**
 * Ends a job that failed through our fault: its submission is FAILED and its quota unit refunded; a dataset version
 * it was validating is REJECTED, so the organizer sees why and uploads again.
 */
async function failForGood(tx: SqlExecutor, jobId: string, reason: string): Promise<void> {
  const [job] = await tx.query<{ submission_id: string | null; kind: JobKind; dataset_version_id: string | null }>(
    `UPDATE jobs SET state = 'FAILED', finished_at = now(), last_error = $2, lease_expires_at = NULL WHERE id = $1 RETURNING submission_id, kind, dataset_version_id`,
    [jobId, reason],
  );
  if (job?.kind === "VALIDATE_DATASET" && job.dataset_version_id) {
    await tx.query(`UPDATE dataset_versions SET status = 'REJECTED', error = $2, validated_at = now() WHERE id = $1 AND status = 'VALIDATING'`, [
      job.dataset_version_id,
      `validation stopped: ${reason}; upload the archive again`,
    ]);
  }
  if (job?.submission_id) {
    await tx.query(
      `UPDATE submissions SET status = 'FAILED', counts_toward_quota = false, failure_code = $3, error = $2, finished_at = now() WHERE id = $1 AND status IN ('QUEUED', 'RUNNING', 'RECEIVED', 'CHECKING')`,
      [job.submission_id, `failed after every attempt (not counted toward your quota): ${reason}`, failureCode("run", "platform")],
    );
  }
}

/**
 * A failed attempt: retried with back-off while attempts remain, else FAILED for good. `final`: retrying cannot help
 * (the participant's model is at fault), so the job ends now.
 */
export async function failJob(sql: SqlExecutor, jobId: string, workerId: string, reason: string, options: { final?: boolean } = {}): Promise<"retrying" | "failed" | "lost"> {
  return sql.transaction(async (tx) => {
    const [job] = await tx.query<{ attempts: number; max_attempts: number }>(`SELECT attempts, max_attempts FROM jobs WHERE id = $1 AND worker_id = $2 AND state = 'RUNNING' FOR UPDATE`, [jobId, workerId]);
    if (!job) return "lost";
    if (options.final || job.attempts >= job.max_attempts) {
      await failForGood(tx, jobId, reason);
      return "failed";
    }
    await tx.query(`UPDATE jobs SET state = 'QUEUED', worker_id = NULL, lease_expires_at = NULL, last_error = $2, run_after = now() + make_interval(secs => $3) WHERE id = $1`, [jobId, reason, 2 ** job.attempts]);
    return "retrying";
  });
}

/** A job the sweeper put back in the queue: announced again where a wake-up starts compute (SQS → Batch). */
export interface RequeuedJob {
  kind: JobKind;
  jobId: string;
  submissionId: string | null;
  competitionId: string;
}

/** Re-queues jobs whose lease expired (their worker died), or fails them after their last attempt. */
export async function sweepExpiredLeases(sql: SqlExecutor): Promise<{ requeued: number; failed: number; requeuedJobs: RequeuedJob[] }> {
  return sql.transaction(async (tx) => {
    const expired = await tx.query<{ id: string; kind: JobKind; submission_id: string | null; competition_id: string; attempts: number; max_attempts: number; worker_id: string | null }>(
      `SELECT id, kind, submission_id, competition_id, attempts, max_attempts, worker_id FROM jobs WHERE state = 'RUNNING' AND lease_expires_at < now() FOR UPDATE SKIP LOCKED`,
    );
    const requeuedJobs: RequeuedJob[] = [];
    for (const job of expired) {
      if (job.attempts >= job.max_attempts) {
        await failForGood(tx, job.id, `its worker (${job.worker_id ?? "unknown"}) stopped answering ${job.attempts} times`);
      } else {
        await tx.query(`UPDATE jobs SET state = 'QUEUED', worker_id = NULL, lease_expires_at = NULL, announced_at = NULL, last_error = $2 WHERE id = $1`, [job.id, `lease expired: worker ${job.worker_id ?? "unknown"} stopped answering`]);
        requeuedJobs.push({ kind: job.kind, jobId: job.id, submissionId: job.submission_id, competitionId: job.competition_id });
      }
    }
    return { requeued: requeuedJobs.length, failed: expired.length - requeuedJobs.length, requeuedJobs };
  });
}

/** The running job of a target: who holds it, until when, and its last heartbeat; null when none runs. */
export async function runningTargetJob(sql: SqlExecutor, target: JobTarget): Promise<{ jobId: string; workerId: string | null; leaseExpiresAt: Date; heartbeatAt: Date | null } | null> {
  const { column, value } = targetCondition(target);
  const [row] = await sql.query<{ id: string; worker_id: string | null; lease_expires_at: Date; heartbeat_at: Date | null }>(
    `SELECT id, worker_id, lease_expires_at, heartbeat_at FROM jobs WHERE ${column} = $1 AND state = 'RUNNING' ORDER BY created_at DESC LIMIT 1`,
    [value],
  );
  return row ? { jobId: row.id, workerId: row.worker_id, leaseExpiresAt: new Date(row.lease_expires_at), heartbeatAt: row.heartbeat_at ? new Date(row.heartbeat_at) : null } : null;
}
