import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { parseArgs } from "node:util";
import { settings } from "../lib/config/env";
import { openDatabase } from "../lib/db/open-database";
import type { JobTarget } from "../lib/queue/jobs";
import { claimAnnouncedJob, runClaimedJob, startJobLoop } from "../lib/queue/run-jobs";
import { jobWakeUp } from "../lib/queue/wake-up";
import { createBlobStore } from "../lib/storage/create-blob-store";
import { idleWork, jobHandlers } from "../lib/worker/job-handlers";

// The scoring worker. `npm run worker`: a long-running loop with PODIUM_WORKER_CONCURRENCY jobs at once.
// `podium-worker --submission ID` / `--job ID`: one job, then exit (the AWS Batch entry points; see infra/).

const USAGE = `usage: podium-worker [--submission ID | --job ID] [--concurrency N]
  (no options)        run queued jobs until stopped (SIGINT/SIGTERM finish the running jobs first)
  --submission ID     run the waiting job of one submission, then exit (GPU workers)
  --job ID            run one job (a dataset validation, a results file), then exit (CPU tasks)
  --concurrency N     jobs at once (default PODIUM_WORKER_CONCURRENCY, 1)`;

export async function main(argv = process.argv.slice(2)): Promise<number> {
  let args;
  try {
    args = parseArgs({ args: argv, options: { submission: { type: "string" }, job: { type: "string" }, concurrency: { type: "string" }, help: { type: "boolean", short: "h" } } });
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  if (args.values.help) {
    console.log(USAGE);
    return 0;
  }
  if (args.values.submission && args.values.job) {
    console.error(`--submission and --job name the same thing two ways: give one\n${USAGE}`);
    return 2;
  }
  const config = settings();
  const concurrency = args.values.concurrency ? Number(args.values.concurrency) : config.worker.concurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    console.error(`--concurrency must be a positive whole number, not "${args.values.concurrency}"`);
    return 2;
  }
  const database = await openDatabase({ database: config.database, purpose: "podium-worker" });
  const store = createBlobStore(config);
  const workerId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 6)}`;
  const log = (line: string) => console.error(`[podium-worker ${workerId}] ${line}`);
  const leaseSeconds = config.worker.leaseSeconds;
  const target: JobTarget | null = args.values.submission ? { submissionId: args.values.submission } : args.values.job ? { jobId: args.values.job } : null;
  const handlers = jobHandlers(database, store, config);
  try {
    if (target) {
      const job = await claimAnnouncedJob({ sql: database.sql, wakeUp: jobWakeUp(config), log, workerId, target, leaseSeconds });
      if (!job) {
        log(`${"jobId" in target ? `job ${target.jobId} is not waiting` : `submission ${target.submissionId} has no waiting job`} (already done, or running on a live worker)`);
        return 0;
      }
      log(`running job ${job.id} (${job.kind}, attempt ${job.attempts} of ${job.maxAttempts})`);
      await runClaimedJob({ sql: database.sql, handlers, workerId, leaseSeconds, log }, job, leaseSeconds);
      const [state] = await database.sql.query<{ state: string }>(`SELECT state FROM jobs WHERE id = $1`, [job.id]);
      log(`job ${job.id} ended ${state?.state ?? "unknown"}`);
      // A job left QUEUED will retry: a non-zero exit lets Batch's retry strategy run it again.
      return state?.state === "QUEUED" ? 1 : 0;
    }
    log(`started: ${concurrency} job(s) at once, providers ${config.worker.executionProviders.join(",")}, cache ${config.worker.cacheDir}`);
    const loop = startJobLoop({ sql: database.sql, handlers, workerId, leaseSeconds, concurrency, log, pollMilliseconds: 1000, wakeUp: jobWakeUp(config), teamMaxRunning: config.worker.teamMaxRunningJobs, memoryCapacityBytes: config.worker.workerMemoryBytes, onIdle: idleWork(database, store, config, handlers, log) });
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    log("stopping: finishing running jobs");
    await loop.stop();
    return 0;
  } finally {
    await database.close();
  }
}
