// Runs once when a Podium server starts: opens the database (so the embedded one is migrated and locked at start,
// not on the first request), removes temporary files a killed process left, puts back in the queue dataset validations
// that a restart interrupted, and — unless PODIUM_WORKER=off — runs queued jobs (results files, models on the CPU) here.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const [{ getDatabase }, { createBlobStore }, { resumeDatasetValidations }, { settings }, { startJobLoop }, { idleWork, jobHandlers }, { jobWakeUp }, { sweepTemporaryFiles }] = await Promise.all([
    import("./lib/db/client"),
    import("./lib/storage/create-blob-store"),
    import("./lib/datasets/dataset-versions"),
    import("./lib/config/env"),
    import("./lib/queue/run-jobs"),
    import("./lib/worker/job-handlers"),
    import("./lib/queue/wake-up"),
    import("./lib/storage/sweep-temporary-files"),
  ]);
  const database = await getDatabase();
  const store = createBlobStore();
  const swept = await sweepTemporaryFiles({ folderStoreRoot: store.kind === "folder" ? settings().storage.folder : null });
  if (swept > 0) console.error(`[podium] removed ${swept} temporary file(s) left by an earlier process`);
  await resumeDatasetValidations(database.prisma);
  if (settings().env.PODIUM_WORKER === "inprocess") {
    const handlers = jobHandlers(database, store, settings());
    const log = (line: string) => console.error(`[worker] ${line}`);
    startJobLoop({
      sql: database.sql,
      handlers,
      wakeUp: jobWakeUp(),
      leaseSeconds: settings().worker.leaseSeconds,
      teamMaxRunning: settings().worker.teamMaxRunningJobs,
      memoryCapacityBytes: settings().worker.workerMemoryBytes,
      log,
      onIdle: idleWork(database, store, settings(), handlers, log),
    });
  }
}
