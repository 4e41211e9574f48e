import type { Settings } from "../config/env";
import type { Database } from "../db/open-database";
import type { JobKind } from "../queue/jobs";
import type { JobHandler } from "../queue/run-jobs";
import { runDatasetValidation } from "../datasets/dataset-versions";
import type { BlobStore } from "../storage/blob-store";
import { scoreModelSubmission } from "../submissions/score-model-submission";
import { finishQueuedSubmission } from "../submissions/submit-results";
import { runQueuedModelCheck } from "../submissions/submit-model";
import { modelCheckSettings } from "../models/model-check-settings";
import type { JobWakeUp } from "../queue/wake-up";
import { rescoreEntry } from "../organizers/rescore-entries";
import { prepareActiveDatasets } from "../datasets/worker-dataset-cache";

// What each kind of job does; shared by the in-process worker of the embedded server and `npm run worker` /
// `podium-worker --submission ID` / `--job ID` (gpu-worker/). Dataset validations and model checks are jobs too: the
// web request only queues them.

export function jobHandlers(database: Database, store: BlobStore, config: Settings, kinds: JobKind[] = ["SCORE_RESULTS", "SCORE_MODEL", "RESCORE_ENTRY", "CHECK_MODEL", "VALIDATE_DATASET"], wakeUp?: JobWakeUp): Partial<Record<JobKind, JobHandler>> {
  const all: Partial<Record<JobKind, JobHandler>> = {
    SCORE_RESULTS: async (job) => {
      await finishQueuedSubmission(database, store, job.submissionId!);
    },
    SCORE_MODEL: (job, context) => scoreModelSubmission(database, store, job, context, config.worker),
    // The model's checks end it INVALID or QUEUED with a SCORE_MODEL job, announced with the given wake-up.
    CHECK_MODEL: async (job) => void (await runQueuedModelCheck(database, store, job, modelCheckSettings(config, wakeUp))),
    RESCORE_ENTRY: async (job) => void (await rescoreEntry({ database, store }, job.submissionId!, job.datasetVersionId!)),
    // A fault (S3, the network) throws into the job's attempts; after the last one the version is REJECTED with the
    // reason (lib/queue/jobs.ts failForGood), so an organizer's 2 GiB upload survives a transient error.
    VALIDATE_DATASET: async (job) => void (await runDatasetValidation(database.prisma, store, job.datasetVersionId!)),
  };
  return Object.fromEntries(kinds.map((kind) => [kind, all[kind]]).filter(([, handler]) => handler));
}

/**
 * What a polling worker does with nothing due: a worker that runs models prepares the active datasets' images, so the
 * first model run after a version is activated starts with its pixel caches filled. Undefined for other workers.
 */
export function idleWork(database: Database, store: BlobStore, config: Settings, handlers: Partial<Record<JobKind, JobHandler>>, log?: (line: string) => void): (() => Promise<unknown>) | undefined {
  if (!handlers.SCORE_MODEL) return undefined;
  return () => prepareActiveDatasets(database.prisma, store, config.worker.cacheDir, log);
}
