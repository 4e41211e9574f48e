import { randomUUID } from "node:crypto";
import type { SqlExecutor } from "../db/sql-executor";
import { expireAbandonedUploads } from "./abandoned-uploads";
import { announceJob, announceWaitingJobs, type AnnounceWaitingOptions } from "./announce-jobs";
import type { JobWakeUp } from "./wake-up";
import { claimNextJob, claimTargetJob, completeJob, failJob, FinalJobError, heartbeatJob, runningTargetJob, sweepExpiredLeases, type ClaimedJob, type JobKind, type JobTarget } from "./jobs";

export interface JobContext {
  workerId: string;
  /** Writes the job's progress (and renews its lease); false when the job was taken over by another worker. */
  reportProgress: (progress: unknown) => Promise<boolean>;
}

export type JobHandler = (job: ClaimedJob, context: JobContext) => Promise<void>;

export interface JobLoopOptions {
  sql: SqlExecutor;
  handlers: Partial<Record<JobKind, JobHandler>>;
  workerId?: string;
  leaseSeconds?: number;
  pollMilliseconds?: number;
  /** Jobs run at once (each lane claims its own). */
  concurrency?: number;
  /** Model jobs one team may have running while another team's job waits (PODIUM_TEAM_MAX_RUNNING_JOBS, default 1). */
  teamMaxRunning?: number;
  /** The memory this worker has for a model job (PODIUM_WORKER_MEMORY_MB): it never claims one whose cap is larger. */
  memoryCapacityBytes?: number;
  /** Wakes the loop as soon as this process queues a job. */
  wakeUp?: JobWakeUp;
  /**
   * Work for a worker with nothing due (preparing active datasets' images): started when the queue is empty, never
   * awaited by the loop, so a job that arrives meanwhile is claimed at once; one at a time.
   */
  onIdle?: () => Promise<unknown>;
  log?: (line: string) => void;
}

/** Claims and runs one job, renewing its lease while it runs. Returns false when nothing was due. */
export async function runOneJob(options: JobLoopOptions & { workerId: string }): Promise<boolean> {
  const leaseSeconds = options.leaseSeconds ?? 60;
  const kinds = Object.keys(options.handlers) as JobKind[];
  const job = await claimNextJob(options.sql, { workerId: options.workerId, kinds, leaseSeconds, teamMaxRunning: options.teamMaxRunning, memoryCapacityBytes: options.memoryCapacityBytes });
  if (!job) return false;
  await runClaimedJob(options, job, leaseSeconds);
  return true;
}

/** Runs a job this worker holds: heartbeats while it runs, then completes it or records the failed attempt. */
export async function runClaimedJob(options: JobLoopOptions & { workerId: string }, job: ClaimedJob, leaseSeconds: number): Promise<void> {
  const heartbeat = setInterval(() => void heartbeatJob(options.sql, job.id, options.workerId, leaseSeconds).catch(() => {}), (leaseSeconds * 1000) / 3);
  try {
    const context: JobContext = { workerId: options.workerId, reportProgress: (progress) => heartbeatJob(options.sql, job.id, options.workerId, leaseSeconds, progress) };
    await options.handlers[job.kind]!(job, context);
    await completeJob(options.sql, job.id, options.workerId);
  } catch (error) {
    const outcome = await failJob(options.sql, job.id, options.workerId, error instanceof Error ? error.message : String(error), { final: error instanceof FinalJobError });
    options.log?.(`job ${job.id} (${job.kind}) attempt ${job.attempts} failed, ${outcome}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    clearInterval(heartbeat);
  }
}

const UPLOAD_EXPIRY_INTERVAL_MS = 5 * 60 * 1000;
const lastUploadExpiry = new WeakMap<SqlExecutor, number>();

/**
 * Sweeps expired leases; where a wake-up starts compute (SQS → AWS Batch), announces every job it put back in the
 * queue, which would otherwise wait for a worker nobody starts. A lost announcement is logged, not fatal: the row
 * stays QUEUED, unannounced, for the scheduled pass (announceWaitingJobs) to send again.
 */
export async function sweepAndAnnounce(options: Pick<JobLoopOptions, "sql" | "wakeUp" | "log">, except?: JobTarget): Promise<{ requeued: number; failed: number }> {
  const { requeued, failed, requeuedJobs } = await sweepExpiredLeases(options.sql);
  // Uploads end a day after they start: a pass every few minutes is plenty, not one per poll of the queue.
  const now = Date.now();
  if (now - (lastUploadExpiry.get(options.sql) ?? 0) >= UPLOAD_EXPIRY_INTERVAL_MS) {
    lastUploadExpiry.set(options.sql, now);
    const abandoned = await expireAbandonedUploads(options.sql);
    if (abandoned.models + abandoned.datasets > 0) options.log?.(`ended ${abandoned.models} model and ${abandoned.datasets} dataset upload(s) nobody completed`);
  }
  if (options.wakeUp?.kind !== "sqs") return { requeued, failed }; // local workers poll the table and find them
  for (const job of requeuedJobs) {
    // The caller's own job is not announced: the caller takes it over.
    if (except && ("jobId" in except ? job.jobId === except.jobId : job.submissionId === except.submissionId)) continue;
    if (await announceJob(options.sql, options.wakeUp, job, options.log)) options.log?.(`announced job ${job.jobId} again: its worker stopped answering`);
  }
  return { requeued, failed };
}

/**
 * The scheduled queue pass where nothing polls the jobs table (AWS: the JobSweeper function, every few minutes):
 * re-queues or ends jobs whose worker stopped answering, then announces every job still waiting unannounced.
 */
export async function maintainQueue(options: Pick<JobLoopOptions, "sql" | "log"> & { wakeUp: JobWakeUp } & AnnounceWaitingOptions): Promise<{ requeued: number; failed: number; announced: number; announceFailed: number }> {
  const swept = await sweepAndAnnounce(options);
  const { announced, failed: announceFailed } = await announceWaitingJobs(options.sql, options.wakeUp, options);
  return { ...swept, announced, announceFailed };
}

/**
 * The one-job entry point (an AWS Batch job: `podium-worker --submission ID` on a GPU, `--job ID` on Fargate): claims
 * the waiting job it was started for.
 * Batch retries a job whose host died, and the retry can start while the dead worker's lease still runs; instead of
 * exiting (which would leave the job to nobody) it waits for that lease. The holder's next heartbeat proves it alive
 * and the retry leaves (null); an expired lease is swept and the job taken over.
 */
export async function claimAnnouncedJob(
  options: Pick<JobLoopOptions, "sql" | "wakeUp" | "log"> & { workerId: string; target: JobTarget; leaseSeconds: number; pollMilliseconds?: number },
): Promise<ClaimedJob | null> {
  const { sql, target } = options;
  let firstHeartbeat: number | null | undefined;
  const deadline = Date.now() + (options.leaseSeconds + 30) * 1000;
  for (;;) {
    await sweepAndAnnounce(options, target);
    const job = await claimTargetJob(sql, { workerId: options.workerId, target, leaseSeconds: options.leaseSeconds });
    if (job) return job;
    const running = await runningTargetJob(sql, target);
    if (!running) return null;
    // A heartbeat newer than the one first seen (both from the database's clock) means the holder is alive.
    const heartbeat = running.heartbeatAt?.getTime() ?? null;
    if (firstHeartbeat === undefined) firstHeartbeat = heartbeat;
    else if (heartbeat !== null && (firstHeartbeat === null || heartbeat > firstHeartbeat)) {
      options.log?.(`job ${running.jobId} is running on ${running.workerId ?? "another worker"}, which is alive: leaving it`);
      return null;
    }
    if (Date.now() > deadline) return null;
    options.log?.(`job ${running.jobId} is held by ${running.workerId ?? "another worker"} until ${running.leaseExpiresAt.toISOString()}: waiting to take it over if that worker is gone`);
    await new Promise((resolve) => setTimeout(resolve, options.pollMilliseconds ?? 2000));
  }
}

/** A polling loop (the in-process worker of the embedded defaults, and `npm run worker`): sweeps expired leases, runs due jobs. */
export function startJobLoop(options: JobLoopOptions): { stop: () => Promise<void>; workerId: string } {
  const workerId = options.workerId ?? `inprocess-${randomUUID().slice(0, 8)}`;
  let stopped = false;
  const sleepers = new Set<() => void>();
  const wakeAll = () => {
    for (const wake of sleepers) wake();
  };
  const unsubscribe = options.wakeUp?.subscribe?.(wakeAll);
  let idleWork: Promise<unknown> | null = null;
  const startIdleWork = () => {
    if (idleWork || !options.onIdle || stopped) return;
    idleWork = options
      .onIdle()
      .catch((error) => options.log?.(`idle work: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => (idleWork = null));
  };
  const lane = async (index: number) => {
    while (!stopped) {
      try {
        if (index === 0) await sweepAndAnnounce(options);
        while (!stopped && (await runOneJob({ ...options, workerId }))) {
          // keep going while work is due
        }
        if (index === 0) startIdleWork();
      } catch (error) {
        options.log?.(`job loop: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (stopped) break;
      await new Promise<void>((resolve) => {
        const wake = () => {
          sleepers.delete(wake);
          resolve();
        };
        sleepers.add(wake);
        setTimeout(wake, options.pollMilliseconds ?? 1000).unref?.();
      });
    }
  };
  const done = Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 1) }, (_, index) => lane(index)));
  return {
    workerId,
    async stop() {
      stopped = true;
      unsubscribe?.();
      wakeAll();
      await done; // idle work is not waited for: it keeps nothing half-made (caches are renamed into place when whole)
    },
  };
}
