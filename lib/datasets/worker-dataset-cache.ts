import { createWriteStream, existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { PodiumPrisma } from "../db/open-database";
import { buildPixelCache, PIXEL_CACHE_VERSION, pixelCacheReady } from "../models/pixel-cache";
import type { BlobStore } from "../storage/blob-store";
import { datasetFileKey, datasetKeys } from "./dataset-versions";

// A worker's copy of a dataset version: its query and gallery images on local disk and their pixel caches
// (lib/models/pixel-cache.ts). Made once per version and worker host — by the first model job, or earlier, when the
// worker is idle after the version became active (prepareActiveDatasets), so the first model run after activation
// decodes no JPEG. Platform data, prepared here in the worker rather than in a model's sandbox.

export type PreparePhase = "fetching dataset" | "preparing images";
export type PrepareProgress = (phase: PreparePhase, done: number, total: number) => void;

export interface PreparedDataset {
  datasetDir: string;
  names: { queries: string[]; gallery: string[] };
  pixelCaches: { queries: string; gallery: string };
}

interface VersionRef {
  id: string;
  competitionId: string;
  archiveKey: string;
}

async function mapLimit<T>(items: T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await run(items[next++]!);
    }),
  );
}

/** Copies a dataset version's query and gallery images to the worker's disk once; later jobs reuse them. */
async function ensureDatasetLocal(store: BlobStore, filesPrefix: string, dir: string, names: PreparedDataset["names"], progress: (done: number, total: number) => void): Promise<void> {
  const marker = join(dir, ".complete");
  if (existsSync(marker)) return;
  const items = [...names.queries.map((name) => `query/${name}`), ...names.gallery.map((name) => `gallery/${name}`)];
  let done = 0;
  await mapLimit(items, 8, async (path) => {
    const target = join(dir, path);
    if (!existsSync(target)) {
      mkdirSync(dirname(target), { recursive: true });
      await pipeline(await store.stream(datasetFileKey(filesPrefix, path)), createWriteStream(`${target}.part`));
      renameSync(`${target}.part`, target);
    }
    if (++done % 50 === 0 || done === items.length) progress(done, items.length);
  });
  writeFileSync(marker, new Date().toISOString());
}

/** Decodes the version's images into its pixel caches unless they are there. */
async function ensurePixelCaches(datasetDir: string, names: PreparedDataset["names"], progress: (done: number, total: number) => void): Promise<PreparedDataset["pixelCaches"]> {
  const caches = { queries: join(datasetDir, PIXEL_CACHE_VERSION, "queries.rgb"), gallery: join(datasetDir, PIXEL_CACHE_VERSION, "gallery.rgb") };
  mkdirSync(join(datasetDir, PIXEL_CACHE_VERSION), { recursive: true });
  const total = names.queries.length + names.gallery.length;
  if (!pixelCacheReady(caches.queries, names.queries.length)) {
    await buildPixelCache(caches.queries, names.queries.map((name) => join(datasetDir, "query", name)), (done) => progress(done, total));
  }
  if (!pixelCacheReady(caches.gallery, names.gallery.length)) {
    await buildPixelCache(caches.gallery, names.gallery.map((name) => join(datasetDir, "gallery", name)), (done) => progress(names.queries.length + done, total));
  }
  return caches;
}

/** Preparations in progress in this process, by folder: a model job that arrives during an idle preparation joins it. */
const inProgress = new Map<string, { done: Promise<PreparedDataset>; listeners: Set<PrepareProgress> }>();

/** The version's images on local disk and its pixel caches, made if missing; `progress` follows the work. */
export function prepareDatasetImages(store: BlobStore, version: VersionRef, cacheDir: string, progress?: PrepareProgress): Promise<PreparedDataset> {
  const datasetDir = join(cacheDir, "datasets", version.id);
  const running = inProgress.get(datasetDir);
  if (running) {
    if (progress) running.listeners.add(progress);
    return running.done;
  }
  const listeners = new Set<PrepareProgress>(progress ? [progress] : []);
  const report: PrepareProgress = (phase, done, total) => listeners.forEach((listener) => listener(phase, done, total));
  const done = (async () => {
    const keys = datasetKeys(version.competitionId, version.id, version.archiveKey);
    const names = JSON.parse((await store.get(keys.names)).toString("utf8")) as PreparedDataset["names"];
    await ensureDatasetLocal(store, keys.files, datasetDir, names, (count, total) => report("fetching dataset", count, total));
    const pixelCaches = await ensurePixelCaches(datasetDir, names, (count, total) => report("preparing images", count, total));
    return { datasetDir, names, pixelCaches };
  })().finally(() => inProgress.delete(datasetDir));
  inProgress.set(datasetDir, { done, listeners });
  return done;
}

/** Versions this process has prepared (or found prepared): not looked at again. */
const prepared = new Set<string>();
/** When a preparation last failed (storage down): tried again a minute later, not on every poll. */
const failedAt = new Map<string, number>();
const RETRY_AFTER_FAILURE_MS = 60_000;
/** An idle worker polls every second; the competitions are looked at no more often than this. */
const LOOK_EVERY_MS = 30_000;
const lastLook = new Map<string, number>();

/**
 * Prepares the active dataset version of every competition that takes model entries, one at a time, for a worker
 * with nothing to do: the work a model job would otherwise start with. Returns the versions it prepared.
 */
export async function prepareActiveDatasets(prisma: PodiumPrisma, store: BlobStore, cacheDir: string, log?: (line: string) => void): Promise<string[]> {
  const now = Date.now();
  if (now - (lastLook.get(cacheDir) ?? -Infinity) < LOOK_EVERY_MS) return [];
  lastLook.set(cacheDir, now);
  // Kinds filtered here: an enum-array `has` filter is refused through the PGlite adapter ("malformed array literal").
  const competitions = await prisma.competition.findMany({
    where: { activeDatasetVersionId: { not: null } },
    select: { submissionKinds: true, activeDatasetVersion: { select: { id: true, competitionId: true, archiveKey: true, status: true } } },
  });
  const done: string[] = [];
  for (const { submissionKinds, activeDatasetVersion: version } of competitions) {
    if (!submissionKinds.includes("MODEL") || !version || version.status !== "READY") continue;
    const key = `${cacheDir}:${version.id}`;
    if (prepared.has(key) || (failedAt.get(key) ?? -Infinity) > now - RETRY_AFTER_FAILURE_MS) continue;
    try {
      const started = Date.now();
      const { names } = await prepareDatasetImages(store, version, cacheDir);
      prepared.add(key);
      done.push(version.id);
      log?.(`dataset version ${version.id}: ${names.queries.length + names.gallery.length} images ready for model runs (${Date.now() - started} ms)`);
    } catch (error) {
      failedAt.set(key, Date.now());
      // A model job makes the same preparation and reports its failure where the team and organizers see it.
      log?.(`dataset version ${version.id}: preparing its images failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return done;
}
