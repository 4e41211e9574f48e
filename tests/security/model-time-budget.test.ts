import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/auth/actor";
import { type Settings } from "../../lib/config/env";
import type { Database } from "../../lib/db/open-database";
import { runOneJob } from "../../lib/queue/run-jobs";
import { localWakeUp } from "../../lib/queue/wake-up";
import type { FolderBlobStore } from "../../lib/storage/folder-blob-store";
import { getSubmissionForActor } from "../../lib/submissions/list-submissions";
import { submitModelBytes, type ModelCheckSettings } from "../../lib/submissions/submit-model";
import { createTeam } from "../../lib/teams/create-team";
import { createUser } from "../../lib/users/create-user";
import { jobHandlers } from "../../lib/worker/job-handlers";
import { createContest } from "../helpers/contest";
import { meanColourManifest, slowOnBrightEncoder, solidColourDataset } from "../helpers/onnx-encoders";
import { databaseAndStore, workerSettings } from "../helpers/test-world";

// A model that is fast on the dry run's generated images and hangs on the hidden ones holds a worker only for its
// time budget (a multiple of its dry-run speed, at least a floor), not for the full model timeout.

type Rgb = [number, number, number];
const BRIGHT: Rgb[] = Array.from({ length: 8 }, (_, i) => [245 - i, 240 + i, 250 - i] as Rgb);

describe("a model's time budget", () => {
  let database: Database;
  let store: FolderBlobStore;
  let config: Settings;
  let team: Actor;
  const slug = "model-time-budget";
  const disposers: (() => Promise<void> | void)[] = [];

  beforeAll(async () => {
    ({ database, store } = await databaseAndStore("postgres", disposers));
    config = workerSettings(disposers, { PODIUM_MODEL_TIMEOUT_SECONDS: "120", PODIUM_MODEL_TIME_FLOOR_SECONDS: "6", PODIUM_MODEL_TIME_FACTOR: "10" });
    const { entries } = await solidColourDataset(BRIGHT.slice(0, 4), BRIGHT);
    await createContest(database.prisma, store, { slug, entries, settings: { submissionKinds: "results,model", dailyLimit: 10 } });
    const user = await createUser(database.prisma, { email: "budget@budget.test", password: "team password 1" });
    team = { userId: user.id, isAdmin: false };
    await createTeam(database.prisma, team, slug, "Spinners");
  }, 120_000);
  afterAll(async () => {
    for (const dispose of disposers.reverse()) await dispose();
  });

  it("times the dry run, gives the job a budget from it, and ends a model that hangs on hidden data at the budget", async () => {
    const checks: ModelCheckSettings = {
      dryRun: { timeoutMs: 30_000, memoryLimitBytes: 1024 ** 3 },
      wakeUp: localWakeUp(),
      timeBudget: { factor: config.worker.modelTimeFactor, floorSeconds: config.worker.modelTimeFloorSeconds, maxSeconds: config.worker.modelTimeoutMs / 1000 },
    };
    const outcome = await submitModelBytes(database, store, team, slug, { bytes: slowOnBrightEncoder(), fileName: "spin.onnx", manifest: meanColourManifest, channel: "API" }, checks);
    expect(outcome.kind).toBe("queued");
    const queued = await database.prisma.submission.findUniqueOrThrow({ where: { id: outcome.submissionId }, include: { jobs: true } });
    expect(queued.dryRunMsPerImage).toBeGreaterThan(0);
    // 12 images at well under 50 ms each: the floor.
    expect(queued.jobs[0]!.timeBudgetSeconds).toBe(6);

    const started = Date.now();
    expect(await runOneJob({ sql: database.sql, handlers: jobHandlers(database, store, config), workerId: "budget-worker", leaseSeconds: 30 })).toBe(true);
    const elapsed = (Date.now() - started) / 1000;
    expect(elapsed).toBeLessThan(40); // the configured maximum is 120 s
    const row = await database.prisma.submission.findUniqueOrThrow({ where: { id: outcome.submissionId }, include: { jobs: true } });
    expect(row.status).toBe("FAILED");
    expect(row.failureCode).toMatch(/\.timed-out$/);
    expect(row.countsTowardQuota).toBe(true);
    expect(row.jobs[0]!.state).toBe("FAILED");
    const seen = await getSubmissionForActor(database.prisma, team, slug, outcome.submissionId);
    expect(seen.error).toBe("the model ran out of its time budget");
  }, 90_000);
});
