import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/auth/actor";
import { type Settings } from "../../lib/config/env";
import type { Database } from "../../lib/db/open-database";
import { runOneJob } from "../../lib/queue/run-jobs";
import { localWakeUp, type JobNotice } from "../../lib/queue/wake-up";
import { queuePositionOf } from "../../lib/queue/queue-position";
import type { FolderBlobStore } from "../../lib/storage/folder-blob-store";
import { submitModelBytes, type ModelCheckSettings } from "../../lib/submissions/submit-model";
import { createTeam } from "../../lib/teams/create-team";
import { createUser } from "../../lib/users/create-user";
import { modelManifestSchema } from "../../lib/models/manifest";
import { tensorCacheName } from "../../lib/models/preprocess-image";
import { jobHandlers } from "../../lib/worker/job-handlers";
import { createContest } from "../helpers/contest";
import { colourDataset, expectedScore, meanColourEncoder, meanColourManifest, memoryHogEncoder, nanEncoder, nanOnBrightEncoder, slowEncoder } from "../helpers/onnx-encoders";
import { runPodium } from "../helpers/run-cli";
import { databaseAndStore, workerSettings } from "../helpers/test-world";
import { DATABASE_KINDS } from "../helpers/services";

// Model entries end to end through lib/: upload checks, the queue, the worker's sandboxed onnxruntime run, the
// generated top-10 file and its score — against PostgreSQL and PGlite, with encoders whose scores are known exactly.

const RANKS = [1, 1, 1, 2, 3, 6, 10, 15];

describe.each(DATABASE_KINDS)("model submissions on %s", (kind) => {
  let database: Database;
  let store: FolderBlobStore;
  let config: Settings;
  let team: Actor;
  let slug = "";
  const notices: JobNotice[] = [];
  const disposers: (() => Promise<void> | void)[] = [];
  const wakeUp = localWakeUp();
  wakeUp.subscribe!((notice) => notices.push(notice));
  const checks: ModelCheckSettings = { dryRun: { timeoutMs: 20_000, memoryLimitBytes: 1024 ** 3 }, wakeUp };

  beforeAll(async () => {
    ({ database, store } = await databaseAndStore(kind, disposers));
    config = workerSettings(disposers, { PODIUM_MODEL_MEMORY_MB: "400", PODIUM_MODEL_TIMEOUT_SECONDS: "60" });
    slug = `models-${kind}`;
    const { entries } = await colourDataset({ ranks: RANKS });
    await createContest(database.prisma, store, { slug, entries, settings: { submissionKinds: "results,model", dailyLimit: 10 } });
    const user = await createUser(database.prisma, { email: `model-team-${kind}@models.test`, password: "team password 1" });
    team = { userId: user.id, isAdmin: false };
    await createTeam(database.prisma, team, slug, "Encoders");
  });
  afterAll(async () => {
    for (const dispose of disposers.reverse()) await dispose();
  });

  const runWorker = () => runOneJob({ sql: database.sql, handlers: jobHandlers(database, store, config), workerId: `test-worker-${kind}`, leaseSeconds: 30 });
  const submission = (id: string) => database.prisma.submission.findUniqueOrThrow({ where: { id }, include: { scores: true, jobs: true } });

  it("scores the closed-form encoder exactly, and its top-10 file gives the same score in `podium score`", async () => {
    const outcome = await submitModelBytes(database, store, team, slug, { bytes: meanColourEncoder(), fileName: "mean-colour.onnx", manifest: meanColourManifest, channel: "API" }, checks);
    expect(outcome).toMatchObject({ kind: "queued", dimension: 3 });
    expect(notices.at(-1)).toMatchObject({ kind: "SCORE_MODEL", submissionId: outcome.submissionId });
    const queued = await submission(outcome.submissionId);
    expect(queued.status).toBe("QUEUED");
    expect(queued.countsTowardQuota).toBe(true);
    expect(await queuePositionOf(database.sql, outcome.submissionId)).toEqual({ ahead: 0, etaSeconds: null });

    expect(await runWorker()).toBe(true);
    const scored = await submission(outcome.submissionId);
    expect(scored.status).toBe("SCORED");
    // The CUDA provider is tried first and its libraries are missing here: the CPU fallback is recorded.
    expect(scored.executionProvider).toMatch(/^cpu \(cuda provider unavailable \(.*Failed to load shared library/);
    expect(scored.jobs[0]!.state).toBe("SUCCEEDED");
    expect(scored.jobs[0]!.progress).toMatchObject({ phase: expect.any(String) });
    const all = scored.scores.find((score) => score.split === "ALL")!;
    expect(all.score).toBeCloseTo(expectedScore(RANKS), 9); // 500
    expect(all.hitAtK).toEqual({ "1": 3 / 8, "5": 5 / 8, "10": 7 / 8 });

    // The generated file is stored and scores the same through the CLI's `podium score`.
    const generated = await store.get(scored.resultsKey!);
    const results = JSON.parse(generated.toString()) as Record<string, string[]>;
    expect(Object.keys(results)).toHaveLength(RANKS.length);
    expect(results["q0.png"]).toHaveLength(10);
    const dir = mkdtempSync(join(tmpdir(), "podium-score-generated-"));
    disposers.push(() => rmSync(dir, { recursive: true, force: true }));
    const { writeFileSync } = await import("node:fs");
    writeFileSync(join(dir, "results.json"), generated);
    const version = await database.prisma.datasetVersion.findFirstOrThrow({ where: { competition: { slug } } });
    writeFileSync(join(dir, "truth.json"), await store.get(version.truthKey!));
    const cli = runPodium(["score", "--truth", join(dir, "truth.json"), join(dir, "results.json")]);
    expect(cli.status, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout).score).toBeCloseTo(all.score, 9);
  });

  it("reuses the preprocessed-tensor cache for a second model with the same preprocessing", async () => {
    const outcome = await submitModelBytes(database, store, team, slug, { bytes: slowEncoder(2), fileName: "slow.onnx", manifest: meanColourManifest, channel: "CLI" }, checks);
    expect(outcome.kind).toBe("queued");
    expect(await runWorker()).toBe(true);
    const scored = await submission(outcome.submissionId);
    expect(scored.status).toBe("SCORED");
    const version = await database.prisma.datasetVersion.findFirstOrThrow({ where: { competition: { slug } } });
    // The tensors preprocessed for the first model (16×16, squash, same normalisation) were cached and read back.
    const { statSync } = await import("node:fs");
    const cached = join(config.worker.cacheDir, "tensors", version.id, tensorCacheName(modelManifestSchema.parse(meanColourManifest)), "gallery.f32");
    expect(statSync(cached).size).toBe(30 * 3 * 16 * 16 * 4);
    expect(scored.scores.find((score) => score.split === "ALL")!.score).toBeGreaterThan(0);
  });

  it("refuses poisoned uploads before the queue, without using quota", async () => {
    const before = await database.prisma.submission.count({ where: { countsTowardQuota: true } });
    const nan = await submitModelBytes(database, store, team, slug, { bytes: nanEncoder(), fileName: "nan.onnx", manifest: meanColourManifest, channel: "API" }, checks);
    expect(nan).toMatchObject({ kind: "invalid", code: "DRY_RUN" });
    const wrongInput = await submitModelBytes(database, store, team, slug, { bytes: meanColourEncoder(), fileName: "m.onnx", manifest: { ...meanColourManifest, input: "pixels" }, channel: "API" }, checks);
    expect(wrongInput).toMatchObject({ kind: "invalid", code: "INPUT" });
    const truncated = await submitModelBytes(database, store, team, slug, { bytes: meanColourEncoder().subarray(0, 40), fileName: "t.onnx", manifest: meanColourManifest, channel: "API" }, checks);
    expect(truncated).toMatchObject({ kind: "invalid", code: "NOT_ONNX" });
    await expect(submitModelBytes(database, store, team, slug, { bytes: meanColourEncoder(), fileName: "model.pt", manifest: meanColourManifest, channel: "API" }, checks)).rejects.toThrow(/model\.pt is not an \.onnx file/);
    await database.prisma.competition.update({ where: { slug }, data: { modelSizeLimitBytes: 100n } });
    await expect(submitModelBytes(database, store, team, slug, { bytes: meanColourEncoder(), fileName: "big.onnx", manifest: meanColourManifest, channel: "API" }, checks)).rejects.toThrow(/this competition accepts models up to 100 bytes/);
    await database.prisma.competition.update({ where: { slug }, data: { modelSizeLimitBytes: 4n * 1024n ** 3n } });
    const stored = await database.prisma.submission.findUniqueOrThrow({ where: { id: nan.submissionId } });
    expect(stored).toMatchObject({ status: "INVALID", countsTowardQuota: false });
    expect(stored.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await database.prisma.submission.count({ where: { countsTowardQuota: true } })).toBe(before);
    expect(await database.prisma.job.count({ where: { submissionId: { in: [nan.submissionId, wrongInput.submissionId, truncated.submissionId] } } })).toBe(0);
  });

  it("ends a model that fails in the worker with its reason, counts it toward the quota, and goes on with the next job", async () => {
    // sqrt(0.55 − brightness): finite on the dry run's images (brightness ≈ 0.5), NaN on this dataset's brighter ones.
    const nan = await submitModelBytes(database, store, team, slug, { bytes: nanOnBrightEncoder(0.55), fileName: "nan-bright.onnx", manifest: meanColourManifest, channel: "API" }, checks);
    const hog = await submitModelBytes(database, store, team, slug, { bytes: memoryHogEncoder(), fileName: "hog.onnx", manifest: { ...meanColourManifest, batchSize: 1 }, channel: "API" }, { ...checks, dryRun: { timeoutMs: 60_000, memoryLimitBytes: 2 * 1024 ** 3 } });
    const good = await submitModelBytes(database, store, team, slug, { bytes: meanColourEncoder(), fileName: "again.onnx", manifest: meanColourManifest, channel: "API" }, checks);
    expect([nan.kind, hog.kind, good.kind]).toEqual(["queued", "queued", "queued"]);
    for (let i = 0; i < 3; i++) expect(await runWorker()).toBe(true);
    const [failedNan, failedHog, scored] = await Promise.all([submission(nan.submissionId), submission(hog.submissionId), submission(good.submissionId)]);
    expect(failedHog.status).toBe("FAILED");
    expect(failedHog.error).toMatch(/^the model failed: the model used more than the memory limit of 400 MiB/);
    // It passed its checks and ran on hidden data: counted, so failures are not free probes (tests/security).
    expect(failedHog.countsTowardQuota).toBe(true);
    expect(failedHog.failureCode).toMatch(/^(queries|gallery)\.out-of-memory$/);
    expect(failedHog.jobs[0]).toMatchObject({ state: "FAILED", attempts: 1 });
    expect(scored.status).toBe("SCORED");
    expect(scored.scores.find((score) => score.split === "ALL")!.score).toBeCloseTo(expectedScore(RANKS), 9);
    expect(failedNan.status).toBe("FAILED");
    expect(failedNan.error).toMatch(/^the model failed: the model produced NaN values \(first in the embedding of image \d+ of the (queries|gallery)\)$/);
    // Hidden file names never appear in what the team sees.
    expect(failedNan.error).not.toMatch(/q\d+\.png|g\d+\.png/);
    expect(failedNan.jobs[0]).toMatchObject({ state: "FAILED", attempts: 1 });
    expect(failedNan.failureCode).toMatch(/^(queries|gallery)\.non-finite-output$/);
  });
});
