import { randomUUID } from "node:crypto";
import type { SqlExecutor } from "../db/sql-executor";
import { claimNextJob, completeJob, failJob, heartbeatJob, sweepExpiredLeases, type ClaimedJob, type JobKind } from "./jobs";

export type JobHandler = (job: ClaimedJob) => Promise<void>;

export interface JobLoopOptions {
  sql: SqlExecutor;
  handlers: Partial<Record<JobKind, JobHandler>>;
  workerId?: string;
  leaseSeconds?: number;
  pollMilliseconds?: number;
  log?: (line: string) => void;
}

/** Claims and runs one job, renewing its lease while it runs. Returns false when nothing was due. */
export async function runOneJob(options: JobLoopOptions & { workerId: string }): Promise<boolean> {
  const leaseSeconds = options.leaseSeconds ?? 60;
  const kinds = Object.keys(options.handlers) as JobKind[];
  const job = await claimNextJob(options.sql, { workerId: options.workerId, kinds, leaseSeconds });
  if (!job) return false;
  const heartbeat = setInterval(() => void heartbeatJob(options.sql, job.id, options.workerId, leaseSeconds).catch(() => {}), (leaseSeconds * 1000) / 3);
  try {
    await options.handlers[job.kind]!(job);
    await completeJob(options.sql, job.id, options.workerId);
  } catch (error) {
    const outcome = await failJob(options.sql, job.id, options.workerId, error instanceof Error ? error.message : String(error));
    options.log?.(`job ${job.id} (${job.kind}) attempt ${job.attempts} failed, ${outcome}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    clearInterval(heartbeat);
  }
  return true;
}

/** A polling loop (the in-process worker of the embedded defaults): sweeps expired leases, runs due jobs. */
export function startJobLoop(options: JobLoopOptions): { stop: () => Promise<void> } {
  const workerId = options.workerId ?? `inprocess-${randomUUID().slice(0, 8)}`;
  let stopped = false;
  let wake: (() => void) | null = null;
  const done = (async () => {
    while (!stopped) {
      try {
        await sweepExpiredLeases(options.sql);
        while (!stopped && (await runOneJob({ ...options, workerId }))) {
          // keep going while work is due
        }
      } catch (error) {
        options.log?.(`job loop: ${error instanceof Error ? error.message : String(error)}`);
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, options.pollMilliseconds ?? 1000).unref?.();
      });
    }
  })();
  return {
    async stop() {
      stopped = true;
      wake?.();
      await done;
    },
  };
}
