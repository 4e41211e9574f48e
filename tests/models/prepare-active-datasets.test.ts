import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareDatasetImages } from "../../lib/datasets/worker-dataset-cache";
import { PIXEL_CACHE_VERSION, pixelCacheReady } from "../../lib/models/pixel-cache";
import { startJobLoop } from "../../lib/queue/run-jobs";
import { idleWork, jobHandlers } from "../../lib/worker/job-handlers";
import { createContest } from "../helpers/contest";
import { modelContest, type ModelContest } from "../helpers/model-contest";
import { colourDataset } from "../helpers/onnx-encoders";

// Issue 14, "at dataset activation": a polling worker that runs models prepares the active version's images (local
// copy and pixel caches) while it has nothing to do, so the first model run after activation decodes no JPEG. Before
// this, the first model job of every version did it, inside its own run time. Two competitions: the results-only one
// is left alone.

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not true after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("preparing active datasets while idle", () => {
  const disposers: (() => Promise<void> | void)[] = [];
  let world: ModelContest;
  let modelVersion: { id: string; competitionId: string; archiveKey: string; queryCount: number | null; galleryCount: number | null };
  let resultsVersionId: string;

  beforeAll(async () => {
    world = await modelContest(disposers, { slug: "warm-up", ranks: [1, 2, 3, 4] });
    const competition = await world.database.prisma.competition.findUniqueOrThrow({ where: { slug: "warm-up" }, include: { activeDatasetVersion: true } });
    modelVersion = competition.activeDatasetVersion!;
    const { entries } = await colourDataset({ ranks: [1, 2] });
    await createContest(world.database.prisma, world.store, { slug: "results-only", entries, settings: { submissionKinds: "results" } });
    resultsVersionId = (await world.database.prisma.competition.findUniqueOrThrow({ where: { slug: "results-only" } })).activeDatasetVersionId!;
  });
  afterAll(async () => {
    for (const dispose of disposers.reverse()) await dispose();
  });

  it("fills the model contest's pixel caches with no job queued, and leaves the results-only contest alone", async () => {
    const { database, store, config } = world;
    const versionDir = (id: string) => join(config.worker.cacheDir, "datasets", id);
    const caches = { queries: join(versionDir(modelVersion.id), PIXEL_CACHE_VERSION, "queries.rgb"), gallery: join(versionDir(modelVersion.id), PIXEL_CACHE_VERSION, "gallery.rgb") };
    expect(existsSync(caches.queries)).toBe(false);

    const handlers = jobHandlers(database, store, config, ["SCORE_MODEL"]);
    const lines: string[] = [];
    const loop = startJobLoop({ sql: database.sql, handlers, workerId: "idle-worker", pollMilliseconds: 100, log: (line) => lines.push(line), onIdle: idleWork(database, store, config, handlers, (line) => lines.push(line)) });
    try {
      await waitFor(() => lines.length > 0, 30_000);
    } finally {
      await loop.stop();
    }
    expect(lines.join("\n")).toContain(`dataset version ${modelVersion.id}: ${modelVersion.queryCount! + modelVersion.galleryCount!} images ready for model runs`);
    expect(pixelCacheReady(caches.queries, modelVersion.queryCount!)).toBe(true);
    expect(pixelCacheReady(caches.gallery, modelVersion.galleryCount!)).toBe(true);
    expect(existsSync(versionDir(resultsVersionId))).toBe(false);
    // Nothing was claimed: the preparation is not a job.
    expect(await database.prisma.job.count({ where: { kind: "SCORE_MODEL" } })).toBe(0);

    // A worker without model jobs has no idle work.
    expect(idleWork(database, store, config, jobHandlers(database, store, config, ["SCORE_RESULTS"]))).toBeUndefined();
  });

  it("lets a model job that arrives during a preparation join it instead of building the same caches twice", async () => {
    const { store, config } = world;
    const elsewhere = join(config.worker.cacheDir, "second-host");
    const first = prepareDatasetImages(store, modelVersion, elsewhere);
    const phases: string[] = [];
    const second = prepareDatasetImages(store, modelVersion, elsewhere, (phase) => phases.push(phase));
    expect(second).toBe(first);
    const prepared = await second;
    expect(phases).toContain("preparing images");
    expect(pixelCacheReady(prepared.pixelCaches.gallery, modelVersion.galleryCount!)).toBe(true);
    // Once done, the next call finds it ready and starts a new (quick) preparation rather than the finished one.
    const again = prepareDatasetImages(store, modelVersion, elsewhere);
    expect(again).not.toBe(first);
    await again;
  });
});
