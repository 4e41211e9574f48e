import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { createSessionWithFallback } from "./create-session";
import { embedImages, ModelFault } from "./embed-images";
import { classifyRuntimeMessage } from "./failure-vocabulary";
import { inputSize, type ModelManifest } from "./manifest";
import { embeddingRows, inputTensor } from "./model-io";
import { PixelCacheReader } from "./pixel-cache";
import { geometryCacheName, pixelsToTensor, tensorCacheName } from "./preprocess-image";
import { normaliseRows, topKNeighbours } from "./rank-embeddings";
import type { SandboxMessage, SandboxTask, SandboxResult } from "./sandbox-protocol";

// The child process that runs a participant's model (forked by model-sandbox.ts). It reads the model and images
// from local files, writes the generated results file, and reports progress over IPC.

function send(message: SandboxMessage): Promise<void> {
  return new Promise((resolve) => process.send!(message, undefined, undefined, () => resolve()));
}

/**
 * Synthetic images at the model's input size, alternately a colour gradient and a checkerboard: two, or as many as
 * the model's fixed batch size.
 */
function dryRunPixels(manifest: ModelManifest, count: number): Uint8Array {
  const [height, width] = inputSize(manifest);
  const plane = height * width * 3;
  const pixels = new Uint8Array(count * plane);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      const on = ((x >> 3) + (y >> 3)) % 2 === 0;
      const gradient = [Math.round((255 * x) / width), Math.round((255 * y) / height), 128];
      const checker = on ? [230, 200, 40] : [20, 40, 220];
      for (let image = 0; image < count; image++) pixels.set(image % 2 === 0 ? gradient : checker, image * plane + p);
    }
  }
  return pixels;
}

async function dryRun(task: Extract<SandboxTask, { kind: "dry-run" }>): Promise<SandboxResult> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(task.modelPath, { executionProviders: ["cpu"], logSeverityLevel: 4 });
  } catch (error) {
    throw new ModelFault(`onnxruntime cannot load the model: ${error instanceof Error ? error.message : String(error)}`);
  }
  // As many images as the model takes at once (its fixed batch), else two.
  const count = task.manifest.fixedBatch ?? 2;
  const images = `${count} generated image${count === 1 ? "" : "s"}`;
  const input = inputTensor(pixelsToTensor(dryRunPixels(task.manifest, count), count, task.manifest), count, task.manifest);
  let output: ort.InferenceSession.OnnxValueMapType;
  // Timed: the job's time budget is a multiple of this speed (lib/models/time-budget.ts). The first run includes
  // onnxruntime's warm-up, which errs on the generous side.
  const started = performance.now();
  try {
    output = await session.run({ [task.manifest.input]: input }, [task.manifest.output]);
  } catch (error) {
    // Whole, not cut at its first line: "Got: 2 Expected: 1" is on a later one. Generated images only: nothing hidden.
    throw new ModelFault(`the dry run on ${images} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const tensor = output[task.manifest.output] as ort.Tensor | undefined;
  if (!tensor) throw new ModelFault(`the dry run produced no output "${task.manifest.output}"`);
  const read = embeddingRows(tensor, count, task.manifest);
  if (!read.ok) throw new ModelFault(`the dry run on ${images}: ${read.problem}`);
  if (!read.data.every((value) => Number.isFinite(value))) throw new ModelFault(`the dry run on ${images} produced NaN or infinite values in "${task.manifest.output}"`);
  const msPerImage = (performance.now() - started) / count;
  await session.release();
  return { kind: "dry-run", dimension: read.dimension, msPerImage };
}

async function embedAndRank(task: Extract<SandboxTask, { kind: "embed-and-rank" }>): Promise<SandboxResult> {
  await send({ type: "progress", progress: { phase: "loading model", done: 0, total: 1 } });
  let created;
  try {
    created = await createSessionWithFallback(task.modelPath, task.providers);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ModelFault(`onnxruntime cannot load the model: ${message}`, classifyRuntimeMessage(message), "loading");
  }
  const { session, provider, fallbackReason } = created;
  // Tensors made from cached pixels are cached apart from those decoded from the files: they differ slightly.
  const fromPixelCache = Boolean(task.queries.pixelCache && task.gallery.pixelCache);
  const signature = tensorCacheName(task.manifest, fromPixelCache ? "pixel-cache" : "files");
  const readers = fromPixelCache ? { queries: new PixelCacheReader(task.queries.pixelCache!), gallery: new PixelCacheReader(task.gallery.pixelCache!) } : null;
  const cachePath = (set: string) => (task.cacheDir ? join(task.cacheDir, signature, `${set}.f32`) : null);
  const geometryCachePath = (set: string) => (task.cacheDir && fromPixelCache ? join(task.cacheDir, geometryCacheName(task.manifest), `${set}.u8`) : null);
  // Progress at most every 250 ms: IPC and the job row need no more.
  let lastSent = 0;
  const progress = (phase: "embedding queries" | "embedding gallery") => (value: { done: number; total: number }) => {
    const now = Date.now();
    if (now - lastSent < 250 && value.done < value.total) return;
    lastSent = now;
    void send({ type: "progress", progress: { phase, ...value } });
  };
  const queryTimings = { decodeMs: 0, inferenceMs: 0, cacheHit: false };
  const galleryTimings = { decodeMs: 0, inferenceMs: 0, cacheHit: false };
  // Each phase is announced as it starts: a kill or crash is then attributed to the phase it happened in.
  await send({ type: "progress", progress: { phase: "embedding queries", done: 0, total: task.queries.names.length } });
  const queries = await embedImages({
    session,
    manifest: task.manifest,
    label: "queries",
    count: task.queries.names.length,
    readImage: async (index) => join(task.queries.dir, task.queries.names[index]!),
    pixels: readers?.queries,
    cachePath: cachePath("queries"),
    geometryCachePath: geometryCachePath("queries"),
    onProgress: progress("embedding queries"),
    timings: queryTimings,
  });
  await send({ type: "progress", progress: { phase: "embedding gallery", done: 0, total: task.gallery.names.length } });
  const gallery = await embedImages({
    session,
    manifest: task.manifest,
    label: "gallery",
    count: task.gallery.names.length,
    readImage: async (index) => join(task.gallery.dir, task.gallery.names[index]!),
    pixels: readers?.gallery,
    cachePath: cachePath("gallery"),
    geometryCachePath: geometryCachePath("gallery"),
    onProgress: progress("embedding gallery"),
    timings: galleryTimings,
  });
  await session.release();
  readers?.queries.close();
  readers?.gallery.close();
  if (queries.dimension !== gallery.dimension) throw new ModelFault(`the model's embeddings have ${queries.dimension} dimensions for queries but ${gallery.dimension} for the gallery`, "embedding-size-changed", "gallery");
  await send({ type: "progress", progress: { phase: "ranking", done: 0, total: 1 } });
  const rankStarted = performance.now();
  if (task.manifest.similarity === "cosine") {
    normaliseRows(queries.data, queries.dimension);
    normaliseRows(gallery.data, gallery.dimension);
  }
  const ranked = await topKNeighbours(queries.data, gallery.data, queries.dimension, {
    k: task.k,
    memoryBudgetBytes: task.memoryBudgetBytes,
    executionProviders: [provider, ...(provider === "cpu" ? [] : ["cpu"])],
    onChunk: (done, total) => void send({ type: "progress", progress: { phase: "ranking", done, total } }),
  });
  const rankMs = performance.now() - rankStarted;
  await send({ type: "progress", progress: { phase: "writing results", done: 0, total: 1 } });
  const results: Record<string, string[]> = {};
  task.queries.names.forEach((name, row) => {
    const list: string[] = [];
    for (let slot = 0; slot < ranked.k; slot++) {
      const index = ranked.indices[row * ranked.k + slot]!;
      if (index >= 0) list.push(task.gallery.names[index]!);
    }
    results[name] = list;
  });
  mkdirSync(join(task.outputPath, ".."), { recursive: true });
  writeFileSync(task.outputPath, JSON.stringify(results));
  return { kind: "embed-and-rank", dimension: queries.dimension, provider, fallbackReason, timings: { queries: queryTimings, gallery: galleryTimings, rankMs } };
}

process.once("message", (task: SandboxTask) => {
  const run = task.kind === "dry-run" ? dryRun(task) : embedAndRank(task);
  run
    .then((result) => send({ type: "result", result }))
    .catch((error: unknown) =>
      send(
        error instanceof ModelFault
          ? { type: "error", fault: "model", message: error.message, category: error.category, phase: error.phase }
          : { type: "error", fault: "platform", message: error instanceof Error ? error.message : String(error) },
      ),
    )
    .finally(() => process.disconnect());
});
