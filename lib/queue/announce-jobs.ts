import type { SqlExecutor } from "../db/sql-executor";
import type { JobKind } from "./jobs";
import type { JobNotice, JobWakeUp } from "./wake-up";

// Where a wake-up starts compute (SQS → AWS Batch), a job nobody announced waits forever: nothing polls the table.
// So every announcement is recorded (jobs.announced_at), and a scheduled pass announces again what still waits —
// a send that failed after the row was committed, a message the pipe dead-lettered, a job re-queued by a sweep.
// Announcing twice is safe: a worker claims by id and leaves when the job is no longer waiting.

/** Sends a job's wake-up and, where it starts compute, records when. Never throws: the row is the truth. */
export async function announceJob(sql: SqlExecutor, wakeUp: JobWakeUp, notice: JobNotice, log: (line: string) => void = (line) => console.error(`[queue] ${line}`)): Promise<boolean> {
  try {
    await wakeUp.notify(notice);
  } catch (error) {
    log(`could not announce job ${notice.jobId}: ${error instanceof Error ? error.message : String(error)} (the scheduled pass sends it again)`);
    return false;
  }
  if (wakeUp.kind === "sqs") await sql.query(`UPDATE jobs SET announced_at = now() WHERE id = $1`, [notice.jobId]).catch(() => {});
  return true;
}

export interface AnnounceWaitingOptions {
  /** A job never announced is left this long to its own request's send (default 120 s). */
  graceSeconds?: number;
  /** A job announced but still waiting is announced again after this long (default 3,600 s: Batch may be scaling). */
  againAfterSeconds?: number;
  /** At most this many per pass (default 100). */
  limit?: number;
  log?: (line: string) => void;
}

/**
 * One pass: announces the due jobs that wait unannounced — including results files whose scoring could not finish in
 * their request, which are queued without a message — or announced long ago. Returns the count sent.
 */
export async function announceWaitingJobs(sql: SqlExecutor, wakeUp: JobWakeUp, options: AnnounceWaitingOptions = {}): Promise<{ announced: number; failed: number }> {
  if (wakeUp.kind !== "sqs") return { announced: 0, failed: 0 }; // local workers poll the table
  // Taking the rows by stamping announced_at first keeps two overlapping passes from sending the same job twice.
  const due = await sql.query<{ id: string; kind: JobKind; submission_id: string | null; competition_id: string; previous: Date | null }>(
    `WITH due AS (
       SELECT id, announced_at FROM jobs
       WHERE state = 'QUEUED' AND run_after <= now()
         AND ((announced_at IS NULL AND created_at < now() - make_interval(secs => $1))
           OR announced_at < now() - make_interval(secs => $2))
       ORDER BY created_at
       LIMIT $3
       FOR UPDATE SKIP LOCKED)
     UPDATE jobs SET announced_at = now() FROM due WHERE jobs.id = due.id
     RETURNING jobs.id, jobs.kind, jobs.submission_id, jobs.competition_id, due.announced_at AS previous`,
    [options.graceSeconds ?? 120, options.againAfterSeconds ?? 3600, options.limit ?? 100],
  );
  let failed = 0;
  for (const job of due) {
    try {
      await wakeUp.notify({ kind: job.kind, jobId: job.id, submissionId: job.submission_id, competitionId: job.competition_id });
      options.log?.(`announced job ${job.id} again: ${job.previous ? `still waiting since its announcement at ${new Date(job.previous).toISOString()}` : "it was never announced"}`);
    } catch (error) {
      failed++;
      // Back to "not announced", so the next pass tries again.
      await sql.query(`UPDATE jobs SET announced_at = NULL WHERE id = $1`, [job.id]);
      options.log?.(`could not announce job ${job.id}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { announced: due.length - failed, failed };
}
