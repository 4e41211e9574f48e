import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { modelMemoryCapBytes } from "../../lib/models/memory-budget";
import { modelCheckSettings } from "../../lib/models/model-check-settings";
import { localWakeUp } from "../../lib/queue/wake-up";
import { getSubmissionForActor } from "../../lib/submissions/list-submissions";
import { submitModelBytes } from "../../lib/submissions/submit-model";
import { meanColourManifest, slowEncoder } from "../helpers/onnx-encoders";
import { modelContest, type ModelContest } from "../helpers/model-contest";
import { workerSettings } from "../helpers/test-world";

// Memory by model size (issue 14): on the main this started from every model job had the same 4,096 MiB cap, a
// 1.26 GB fp16 tower peaked at 3,713 MiB against it, and nothing said what a run used. Now a job's cap is
// max(floor, factor × the model's size), a model no worker could hold is refused at its check (no quota), a worker
// claims only jobs that fit its memory, and organizers see each run's peak.

const MiB = 1024 * 1024;

describe("memory by model size", () => {
  const disposers: (() => Promise<void> | void)[] = [];
  // A small floor and a factor large enough that this test's ~270 KB model sets its own cap: 2000 × 0.27 MB ≈ 520 MiB.
  let world: ModelContest;

  beforeAll(async () => {
    world = await modelContest(disposers, {
      slug: "memory",
      ranks: [1, 2, 3],
      workerEnv: { PODIUM_MODEL_MEMORY_MB: "64", PODIUM_MODEL_MEMORY_FACTOR: "2000", PODIUM_MODEL_MEMORY_MAX_MB: "2048", PODIUM_WORKER_MEMORY_MB: "2048" },
    });
  });
  afterAll(async () => {
    for (const dispose of disposers.reverse()) await dispose();
  });

  it("computes the cap as max(floor, factor × size) in whole MiB, and none beyond the largest worker", () => {
    const settings = { floorBytes: 4096 * MiB, factor: 4, maxBytes: 14 * 1024 * MiB };
    expect(modelMemoryCapBytes(30e6, settings)).toBe(4096 * MiB); // a MobileNet: the floor
    // A ViT-H image tower in fp16 (1.26 GB) peaked at 3,713 MiB: the floor was too tight, four times its size is not.
    expect(modelMemoryCapBytes(1.26e9, settings)).toBe(Math.ceil((4 * 1.26e9) / MiB) * MiB);
    expect(modelMemoryCapBytes(2.2e9, settings)).toBe(Math.ceil((4 * 2.2e9) / MiB) * MiB);
    expect(modelMemoryCapBytes(4e9, settings)).toBeNull(); // 16 GB is more than a 14 GiB worker has
  });

  it("gives the scoring job a cap from the model's size, runs it, and shows organizers each run's peak — not the team", async () => {
    const model = slowEncoder(1);
    const { database, store, team, organizer, config, runScoringJob } = world;
    const checks = modelCheckSettings(config, localWakeUp());
    const outcome = await submitModelBytes(database, store, team, "memory", { bytes: model, fileName: "sized.onnx", manifest: meanColourManifest, channel: "API" }, checks);
    expect(outcome.kind).toBe("queued");
    const job = await database.prisma.job.findFirstOrThrow({ where: { submissionId: outcome.submissionId, kind: "SCORE_MODEL" } });
    expect(Number(job.memoryBytes)).toBe(Math.ceil((2000 * model.length) / MiB) * MiB);

    // A worker with less memory than the cap leaves the job for a larger one; a large enough worker runs it.
    expect(await runScoringJob({ workerId: "small-worker", memoryCapacityBytes: Number(job.memoryBytes) - MiB })).toBe(false);
    expect(await runScoringJob({ workerId: "large-worker", memoryCapacityBytes: Number(job.memoryBytes) })).toBe(true);
    const ran = await database.prisma.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(ran.state).toBe("SUCCEEDED");
    expect(Number(ran.peakMemoryBytes)).toBeGreaterThan(20 * MiB);
    expect(Number(ran.peakMemoryBytes)).toBeLessThan(Number(ran.memoryBytes));

    const seenByOrganizer = (await getSubmissionForActor(database.prisma, organizer, "memory", outcome.submissionId)) as { job?: { memory?: { run: string; peakBytes: number | null; capBytes: number | null }[] } };
    expect(seenByOrganizer.job?.memory).toEqual([{ run: "scoring", peakBytes: Number(ran.peakMemoryBytes), capBytes: Number(ran.memoryBytes) }]);
    const seenByTeam = (await getSubmissionForActor(database.prisma, team, "memory", outcome.submissionId)) as { job?: Record<string, unknown> };
    expect(seenByTeam.job).not.toHaveProperty("memory");
  });

  it("refuses at its check a model no worker has the memory for, naming the sizes, without using quota", async () => {
    const { database, store, team } = world;
    const tight = modelCheckSettings(workerSettings(disposers, { PODIUM_MODEL_MEMORY_MB: "64", PODIUM_MODEL_MEMORY_FACTOR: "2000", PODIUM_MODEL_MEMORY_MAX_MB: "100" }), localWakeUp());
    const before = await database.prisma.submission.count({ where: { countsTowardQuota: true } });
    const outcome = await submitModelBytes(database, store, team, "memory", { bytes: slowEncoder(1), fileName: "huge.onnx", manifest: meanColourManifest, channel: "API" }, tight);
    expect(outcome).toMatchObject({ kind: "invalid", code: "TOO_LARGE" });
    expect((outcome as { message: string }).message).toMatch(/^the model is \d+ bytes and would need about \d+ MiB of memory to run \(2000 × its size\); workers here give a model at most 100 MiB$/);
    expect(await database.prisma.submission.count({ where: { countsTowardQuota: true } })).toBe(before);
  });
});
