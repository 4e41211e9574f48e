import type { Actor } from "../../lib/auth/actor";
import type { Settings } from "../../lib/config/env";
import type { Database } from "../../lib/db/open-database";
import { runOneJob } from "../../lib/queue/run-jobs";
import type { FolderBlobStore } from "../../lib/storage/folder-blob-store";
import { createTeam } from "../../lib/teams/create-team";
import { createUser } from "../../lib/users/create-user";
import { jobHandlers } from "../../lib/worker/job-handlers";
import { createContest } from "./contest";
import { colourDataset } from "./onnx-encoders";
import { databaseAndStore, workerSettings } from "./test-world";

export interface ModelContest {
  database: Database;
  store: FolderBlobStore;
  /** The worker's settings (its own cache folder). */
  config: Settings;
  team: Actor;
  organizer: Actor;
  /** Claims and runs one SCORE_MODEL job, as a worker with `memoryCapacityBytes` (default: any). */
  runScoringJob: (options?: { workerId?: string; memoryCapacityBytes?: number }) => Promise<boolean>;
}

/**
 * A model contest on PGlite over the colour dataset (whose scores under the mean-colour encoder are known from
 * `ranks`), with one team and a worker configured by `workerEnv` — the set-up of the model tests.
 */
export async function modelContest(
  disposers: (() => Promise<void> | void)[],
  options: { slug: string; ranks: number[]; submissionKinds?: string; workerEnv?: Record<string, string> },
): Promise<ModelContest> {
  const { database, store } = await databaseAndStore("pglite", disposers);
  const config = workerSettings(disposers, options.workerEnv ?? { PODIUM_MODEL_MEMORY_MB: "400", PODIUM_MODEL_TIMEOUT_SECONDS: "60" });
  const { entries } = await colourDataset({ ranks: options.ranks });
  const { organizer } = await createContest(database.prisma, store, { slug: options.slug, entries, settings: { submissionKinds: options.submissionKinds ?? "model", dailyLimit: 30 } });
  const user = await createUser(database.prisma, { email: `team@${options.slug}.test`, password: `${options.slug} password 1` });
  const team: Actor = { userId: user.id, isAdmin: false };
  await createTeam(database.prisma, team, options.slug, `Team ${options.slug}`);
  const runScoringJob: ModelContest["runScoringJob"] = (run = {}) =>
    runOneJob({ sql: database.sql, handlers: jobHandlers(database, store, config, ["SCORE_MODEL"]), workerId: run.workerId ?? `${options.slug}-worker`, leaseSeconds: 30, memoryCapacityBytes: run.memoryCapacityBytes });
  return { database, store, config, team, organizer: organizer!, runScoringJob };
}
