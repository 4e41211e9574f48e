import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/auth/actor";
import { type Settings } from "../../lib/config/env";
import type { Database } from "../../lib/db/open-database";
import { runOneJob } from "../../lib/queue/run-jobs";
import { localWakeUp } from "../../lib/queue/wake-up";
import type { FolderBlobStore } from "../../lib/storage/folder-blob-store";
import { getSubmissionForActor, listTeamSubmissions } from "../../lib/submissions/list-submissions";
import { submitModelBytes, type ModelCheckSettings } from "../../lib/submissions/submit-model";
import { createTeam } from "../../lib/teams/create-team";
import { createUser } from "../../lib/users/create-user";
import { jobHandlers } from "../../lib/worker/job-handlers";
import { createContest } from "../helpers/contest";
import { meanColourEncoder, meanColourManifest, nanOnBrightEncoder, shapeFromPixelsEncoder, solidColourDataset } from "../helpers/onnx-encoders";
import { databaseAndStore, workerSettings } from "../helpers/test-world";

// A participant's model sees every hidden image: whatever the worker lets out about a run is a channel from the
// hidden set to the team (THREATS.md). The team is told a fixed text per failure, a coarse progress, and every run
// on hidden data counts toward its quota; organizers see everything.

type Rgb = [number, number, number];
// Dark queries (every channel ≤ 120, brightness < 0.55); a gallery with a few bright images (a channel above 240).
const QUERIES: Rgb[] = [
  [40, 60, 90],
  [100, 50, 70],
  [80, 110, 45],
  [60, 90, 120],
];
const GALLERY: Rgb[] = [[40, 60, 90], [100, 50, 70], [80, 110, 45], [60, 90, 120], [250, 246, 243], [70, 70, 70], [247, 250, 244], [90, 40, 60], [120, 100, 80], [248, 242, 250]];

const digits = /\d/;

describe("what a team learns from its model's run on hidden data", () => {
  let database: Database;
  let store: FolderBlobStore;
  let config: Settings;
  let organizer: Actor;
  const slug = "model-channels";
  const disposers: (() => Promise<void> | void)[] = [];
  const checks: ModelCheckSettings = { dryRun: { timeoutMs: 30_000, memoryLimitBytes: 1024 ** 3 }, wakeUp: localWakeUp() };

  beforeAll(async () => {
    ({ database, store } = await databaseAndStore("postgres", disposers));
    config = workerSettings(disposers, { PODIUM_MODEL_MEMORY_MB: "600", PODIUM_MODEL_TIMEOUT_SECONDS: "120" });
    const { entries } = await solidColourDataset(QUERIES, GALLERY);
    ({ organizer } = await createContest(database.prisma, store, { slug, entries, settings: { submissionKinds: "results,model", dailyLimit: 20, publicFraction: 0.5 } }));
  }, 120_000);
  afterAll(async () => {
    for (const dispose of disposers.reverse()) await dispose();
  });

  const newTeam = async (name: string): Promise<Actor> => {
    const user = await createUser(database.prisma, { email: `${name.toLowerCase().replace(/\W+/g, "-")}@channels.test`, password: "team password 1" });
    const actor = { userId: user.id, isAdmin: false };
    await createTeam(database.prisma, actor, slug, name);
    return actor;
  };
  const runWorker = () => runOneJob({ sql: database.sql, handlers: jobHandlers(database, store, config), workerId: "channels-worker", leaseSeconds: 30 });
  const submit = async (team: Actor, bytes: Uint8Array) => {
    const outcome = await submitModelBytes(database, store, team, slug, { bytes, fileName: "model.onnx", manifest: meanColourManifest, channel: "API" }, checks);
    return outcome;
  };

  it("shows a team a fixed text, not onnxruntime's, when a reshape computed from hidden pixels fails", async () => {
    const team = await newTeam("Shape Probers");
    const outcome = await submit(team, shapeFromPixelsEncoder());
    expect(outcome.kind).toBe("queued"); // the dry run's generated images pass
    expect(await runWorker()).toBe(true);
    const row = await database.prisma.submission.findUniqueOrThrow({ where: { id: outcome.submissionId } });
    expect(row.status).toBe("FAILED");
    expect(row.failureCode).toBe("gallery.invalid-shape");
    // The organizer's record keeps onnxruntime's own text, which prints the shape computed from the pixels.
    expect(row.error).toMatch(/requested shape/i);

    const seen = await getSubmissionForActor(database.prisma, team, slug, outcome.submissionId);
    expect(seen.error).toBe("the model failed while embedding the gallery (onnxruntime: invalid shape)");
    const everything = JSON.stringify(seen);
    expect(everything).not.toMatch(/requested shape|Reshape|onnxruntime::/i);
    const listed = (await listTeamSubmissions(database.prisma, team, slug)).submissions.find((entry) => entry.id === outcome.submissionId)!;
    expect(listed.error).toBe(seen.error);
    expect(String(listed.error)).not.toMatch(digits);

    const organizerView = await getSubmissionForActor(database.prisma, organizer, slug, outcome.submissionId);
    expect(organizerView.error).toMatch(/requested shape/i);
  });

  it("does not tell a team which hidden image made its model produce NaN", async () => {
    const team = await newTeam("NaN Probers");
    // sqrt(0.55 − brightness): finite on the dry run's and the queries' images, NaN on the bright gallery images.
    const outcome = await submit(team, nanOnBrightEncoder(0.55));
    expect(outcome.kind).toBe("queued");
    expect(await runWorker()).toBe(true);
    const row = await database.prisma.submission.findUniqueOrThrow({ where: { id: outcome.submissionId } });
    expect(row).toMatchObject({ status: "FAILED", failureCode: "gallery.non-finite-output" });
    expect(row.error).toMatch(/image \d+ of the gallery/);
    const seen = await getSubmissionForActor(database.prisma, team, slug, outcome.submissionId);
    expect(seen.error).toBe("the model failed while embedding the gallery: it produced NaN or infinite values");
    expect(JSON.stringify(seen)).not.toMatch(/image \d+|NaN values \(/);
  });

  it("shows a team its model's progress as a phase and a coarse percentage; organizers see it all", async () => {
    const team = await newTeam("Progress Watchers");
    const outcome = await submit(team, meanColourEncoder());
    expect(outcome.kind).toBe("queued");
    await database.prisma.submission.update({ where: { id: outcome.submissionId }, data: { status: "RUNNING" } });
    await database.prisma.job.updateMany({
      where: { submissionId: outcome.submissionId },
      data: { state: "RUNNING", progress: { phase: "embedding gallery", done: 13, total: 14, etaSeconds: 3 } },
    });
    const seen = (await getSubmissionForActor(database.prisma, team, slug, outcome.submissionId)) as { job: { progress: unknown } };
    expect(seen.job.progress).toEqual({ phase: "embedding gallery", percent: 90 });
    const organizerView = (await getSubmissionForActor(database.prisma, organizer, slug, outcome.submissionId)) as { job: { progress: unknown } };
    expect(organizerView.job.progress).toMatchObject({ phase: "embedding gallery", done: 13, total: 14, etaSeconds: 3, percent: 92.9 });
    // Leave nothing running for the tests below.
    await database.prisma.job.updateMany({ where: { submissionId: outcome.submissionId }, data: { state: "SUCCEEDED" } });
    await database.prisma.submission.update({ where: { id: outcome.submissionId }, data: { status: "CANCELLED" } });
  });

  it("counts a model that passed its checks and then failed on hidden data toward the quota", async () => {
    await database.prisma.competition.update({ where: { slug }, data: { dailyLimit: 2 } });
    const team = await newTeam("Free Probers");
    for (let i = 0; i < 2; i++) {
      const outcome = await submit(team, nanOnBrightEncoder(0.55));
      expect(outcome.kind).toBe("queued");
      expect(await runWorker()).toBe(true);
      const row = await database.prisma.submission.findUniqueOrThrow({ where: { id: outcome.submissionId } });
      expect(row).toMatchObject({ status: "FAILED", countsTowardQuota: true });
    }
    const third = await submit(team, nanOnBrightEncoder(0.55));
    expect(third.kind).toBe("quota");
  });

  it("still refunds a run that failed through the platform's fault", async () => {
    const team = await newTeam("Unlucky");
    const outcome = await submit(team, meanColourEncoder());
    expect(outcome.kind).toBe("queued");
    await database.prisma.job.updateMany({ where: { submissionId: outcome.submissionId }, data: { maxAttempts: 1 } });
    // Storage fails under the worker: not the team's fault.
    const broken = { SCORE_MODEL: async () => Promise.reject(new Error(`storage unreachable: GET ${"submissions/x/y.onnx"} failed`)) };
    expect(await runOneJob({ sql: database.sql, handlers: broken, workerId: "channels-worker", leaseSeconds: 30 })).toBe(true);
    const row = await database.prisma.submission.findUniqueOrThrow({ where: { id: outcome.submissionId } });
    expect(row).toMatchObject({ status: "FAILED", countsTowardQuota: false, failureCode: "run.platform" });
    expect(row.error).toMatch(/storage unreachable/);
    const seen = await getSubmissionForActor(database.prisma, team, slug, outcome.submissionId);
    expect(seen.error).toBe("the run stopped because of a fault on our side; it does not count toward your quota");
    // The refunded unit is available again.
    expect((await submit(team, meanColourEncoder())).kind).toBe("queued");
  });
});
