import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type * as ort from "onnxruntime-node";
import { classifyRuntimeMessage, type FailureCategory, type FailurePhase } from "./failure-vocabulary";
import { inputSize, type ModelManifest } from "./manifest";
import { embeddingRows, inputTensor, runBatchSize } from "./model-io";
import type { PixelCacheReader } from "./pixel-cache";
import { decodeToPixels, pixelsToTensor } from "./preprocess-image";

// Embeds a set of images with a participant's encoder. Cold, images are decoded by sharp (libvips threads) while the
// previous batch runs in onnxruntime, so both cores stay busy; the finished float tensors are written to a cache file
// as they come. Warm, the cache file is read instead and no image is decoded.

/**
 * The participant's model is at fault. `message` is the full reason (organizers only: it may carry values computed
 * from hidden images); `category` and `phase` pick the fixed text its team sees (failure-vocabulary.ts).
 */
export class ModelFault extends Error {
  constructor(
    message: string,
    readonly category: FailureCategory = "runtime-error",
    readonly phase: FailurePhase = "run",
  ) {
    super(message);
    this.name = "ModelFault";
  }
}

const phaseOfLabel = (label: string): FailurePhase => (label === "queries" || label === "gallery" ? label : "run");

export interface EmbedProgress {
  done: number;
  total: number;
}

export interface EmbedOptions {
  session: ort.InferenceSession;
  manifest: ModelManifest;
  /** Which images ("queries" or "gallery"): used in messages, never their names. */
  label: string;
  count: number;
  /** Bytes or a file path of image i. */
  readImage: (index: number) => Promise<Buffer | string>;
  /** The dataset's decoded pixels (pixel-cache.ts): when given, images are resized from it, never decoded. */
  pixels?: PixelCacheReader;
  /** Cache file of finished float32 tensors (count × h × w × 3 values); null disables the cache. */
  cachePath: string | null;
  /**
   * Cache file of the images' bytes at the model's input size and resize mode (count × h × w × 3): a later model with
   * the same geometry and another normalisation (or input type) only packs them. Null or absent: none.
   */
  geometryCachePath?: string | null;
  onProgress?: (progress: EmbedProgress) => void;
  /** Time spent decoding and running, for bench:worker. */
  timings?: { decodeMs: number; inferenceMs: number; cacheHit: boolean };
}

export interface Embeddings {
  data: Float32Array;
  dimension: number;
}

function imageBytes(manifest: ModelManifest): number {
  const [height, width] = inputSize(manifest);
  return height * width * 3;
}

/**
 * Bytes of image files per batch read into memory before decoding: sharp decodes the same bytes to the same pixels for
 * a fifth to a third less CPU than from the file path (bench:worker's "decode only" lines). The read is synchronous
 * on purpose: fs.promises.readFile queues each of its steps on libuv's pool behind the decodes already there, which
 * starved the pipeline (cold throughput below the file-path version). Beyond the budget sharp reads the file itself.
 */
const IN_MEMORY_BYTES_PER_BATCH = 64 * 1024 * 1024;

/**
 * Decodes in flight per batch. Fewer (the cores onnxruntime leaves free) was measured slower: decoding costs about
 * twice the inference per image for small models, so every core should decode.
 */
const DECODES_IN_FLIGHT = 16;

/** Decodes images [from, to) into one pixel buffer; sharp runs them in parallel on its own threads. */
async function decodeBatch(options: EmbedOptions, from: number, to: number): Promise<{ pixels: Buffer; ms: number }> {
  const started = performance.now();
  let inMemoryBudget = IN_MEMORY_BYTES_PER_BATCH;
  const parts: Buffer[] = new Array(to - from);
  let nextOffset = 0;
  await Promise.all(
    Array.from({ length: Math.min(DECODES_IN_FLIGHT, to - from) }, async () => {
      for (let offset = nextOffset++; offset < to - from; offset = nextOffset++) parts[offset] = await decodeOne(offset);
    }),
  );
  return { pixels: Buffer.concat(parts), ms: performance.now() - started };

  async function decodeOne(offset: number): Promise<Buffer> {
    {
      try {
        if (options.pixels) return await options.pixels.pixels(from + offset, options.manifest);
        let image = await options.readImage(from + offset);
        if (typeof image === "string") {
          const size = statSync(image).size;
          if (size <= inMemoryBudget) {
            inMemoryBudget -= size;
            image = readFileSync(image);
          }
        }
        return await decodeToPixels(image, options.manifest);
      } catch (error) {
        throw new Error(`image ${from + offset + 1} of the ${options.label} could not be decoded: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}

/**
 * Reads finished float tensors of images [from, to) from the cache file into `target`. Synchronous on purpose: a
 * page-cache read of a batch takes about a millisecond, less than an asynchronous read's trip through libuv's pool
 * costs while onnxruntime holds the main thread.
 */
function readCachedBatch(fd: number, valuesPerImage: number, from: number, to: number, target: Float32Array): { tensor: Float32Array; ms: number } {
  const started = performance.now();
  const tensor = target.subarray(0, (to - from) * valuesPerImage);
  const bytes = new Uint8Array(tensor.buffer, tensor.byteOffset, tensor.byteLength);
  const bytesRead = readSync(fd, bytes, 0, bytes.length, from * valuesPerImage * 4);
  if (bytesRead !== bytes.length) throw new Error("the preprocessed-tensor cache file is shorter than expected");
  return { tensor, ms: performance.now() - started };
}

/**
 * Reads images [from, to) of the geometry cache (bytes at the input size) into `target`. Synchronous, as
 * readCachedBatch; into one reused buffer, because fresh 2 MB buffers per batch cost page faults on the main thread.
 */
function readPixelBatch(fd: number, perImage: number, from: number, to: number, target: Buffer): { pixels: Buffer; ms: number } {
  const started = performance.now();
  const pixels = target.subarray(0, (to - from) * perImage);
  if (readSync(fd, pixels, 0, pixels.length, from * perImage) !== pixels.length) throw new Error("the pixel cache file at the input size is shorter than expected");
  return { pixels, ms: performance.now() - started };
}

function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written, bytes.length - written, position + written);
}

function checkOutput(output: ort.Tensor | undefined, options: EmbedOptions, from: number, rows: number, expectedDimension: number | null): Float32Array {
  const name = options.manifest.output;
  const fault = (message: string, category: FailureCategory) => new ModelFault(message, category, phaseOfLabel(options.label));
  if (!output) throw fault(`the model did not produce its output "${name}"`, "missing-output");
  const read = embeddingRows(output, rows, options.manifest);
  if (!read.ok) throw fault(read.problem, read.category);
  if (expectedDimension !== null && read.dimension !== expectedDimension) throw fault(`output "${name}" changed its embedding dimension from ${expectedDimension} to ${read.dimension} between batches`, "embedding-size-changed");
  const data = read.data;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) {
      throw fault(`the model produced ${Number.isNaN(data[i]!) ? "NaN" : "infinite"} values (first in the embedding of image ${from + Math.floor(i / read.dimension) + 1} of the ${options.label})`, "non-finite-output");
    }
  }
  return data;
}

export async function embedImages(options: EmbedOptions): Promise<Embeddings> {
  const { manifest, count, session } = options;
  const perImage = imageBytes(manifest);
  const batchSize = runBatchSize(manifest);
  const timings = options.timings ?? { decodeMs: 0, inferenceMs: 0, cacheHit: false };
  // The cache holds finished float32 tensors (4 bytes per value), so a warm run does no work but reading.
  const cacheReady = options.cachePath !== null && existsSync(options.cachePath) && statSync(options.cachePath).size === count * perImage * 4;
  timings.cacheHit = cacheReady;
  const cacheFd = cacheReady ? openSync(options.cachePath!, "r") : null;
  let cacheWriter: number | null = null;
  const partialPath = options.cachePath ? `${options.cachePath}.${process.pid}.partial` : null;
  if (!cacheReady && partialPath) {
    mkdirSync(dirname(partialPath), { recursive: true });
    cacheWriter = openSync(partialPath, "w");
  }
  // Below the tensor cache, the bytes at the input's geometry: read when filled, else written as they are made.
  const geometryPath = cacheReady ? null : (options.geometryCachePath ?? null);
  const geometryReady = geometryPath !== null && existsSync(geometryPath) && statSync(geometryPath).size === count * perImage;
  const geometryFd = geometryReady ? openSync(geometryPath!, "r") : null;
  const geometryPartial = geometryPath && !geometryReady ? `${geometryPath}.${process.pid}.partial` : null;
  let geometryWriter: number | null = null;
  if (geometryPartial) {
    mkdirSync(dirname(geometryPartial), { recursive: true });
    geometryWriter = openSync(geometryPartial, "w");
  }
  let data: Float32Array | null = null;
  let dimension: number | null = null;
  const tensorBuffer = new Float32Array(batchSize * perImage);
  const pixelBuffer = geometryFd !== null ? Buffer.allocUnsafe(batchSize * perImage) : null;
  // Only decoding runs ahead of inference: the caches are read synchronously when a batch is needed.
  const decoding = cacheFd === null && geometryFd === null;
  const load = (from: number) => {
    const loading = decodeBatch(options, from, Math.min(count, from + batchSize));
    loading.catch(() => {}); // awaited in order below
    return loading;
  };
  try {
    // Cold, decoding runs a batch ahead; warm, each batch is read when it is needed, into the one tensor buffer.
    let next = count > 0 && decoding ? load(0) : null;
    for (let from = 0; from < count; from += batchSize) {
      const rows = Math.min(batchSize, count - from);
      const loaded: { pixels?: Buffer; tensor?: Float32Array; ms: number } =
        cacheFd !== null
          ? readCachedBatch(cacheFd, perImage, from, from + rows, tensorBuffer)
          : geometryFd !== null
            ? readPixelBatch(geometryFd, perImage, from, from + rows, pixelBuffer!)
            : await next!;
      timings.decodeMs += loaded.ms;
      // Start decoding the next batch before this one runs: libvips works on its threads while onnxruntime runs.
      if (decoding) next = from + batchSize < count ? load(from + batchSize) : null;
      if (geometryWriter !== null && loaded.pixels) writeAll(geometryWriter, loaded.pixels, from * perImage);
      const input = loaded.tensor ?? pixelsToTensor(loaded.pixels!, rows, manifest, tensorBuffer.subarray(0, rows * perImage));
      // Written synchronously from the tensor buffer itself: one copy into the page cache. An asynchronous write
      // needed a copy of every batch first (the buffer is reused) and cost more CPU than it saved the main thread.
      if (cacheWriter !== null) writeAll(cacheWriter, new Uint8Array(input.buffer, input.byteOffset, input.byteLength), from * perImage * 4);
      const started = performance.now();
      let output: ort.InferenceSession.OnnxValueMapType;
      try {
        output = await session.run({ [manifest.input]: inputTensor(input, rows, manifest) }, [manifest.output]);
      } catch (error) {
        // Whole: organizers see onnxruntime's full message; the team sees the fixed vocabulary (failure-vocabulary.ts).
        const message = error instanceof Error ? error.message : String(error);
        throw new ModelFault(`onnxruntime failed on a batch of ${rows} ${options.label} images: ${message}`, classifyRuntimeMessage(message), phaseOfLabel(options.label));
      }
      timings.inferenceMs += performance.now() - started;
      const batch = checkOutput(output[manifest.output] as ort.Tensor | undefined, options, from, rows, dimension);
      if (dimension === null) {
        dimension = batch.length / rows;
        data = new Float32Array(count * dimension);
      }
      data!.set(batch, from * dimension);
      options.onProgress?.({ done: from + rows, total: count });
    }
    if (cacheWriter !== null) {
      closeSync(cacheWriter);
      cacheWriter = null;
      renameSync(partialPath!, options.cachePath!);
    }
    if (geometryWriter !== null) {
      closeSync(geometryWriter);
      geometryWriter = null;
      renameSync(geometryPartial!, geometryPath!);
    }
  } finally {
    if (cacheFd !== null) closeSync(cacheFd);
    if (geometryFd !== null) closeSync(geometryFd);
    if (geometryWriter !== null) {
      closeSync(geometryWriter);
      rmSync(geometryPartial!, { force: true });
    }
    if (cacheWriter !== null) {
      closeSync(cacheWriter);
      rmSync(partialPath!, { force: true });
    }
  }
  return { data: data ?? new Float32Array(0), dimension: dimension ?? 0 };
}
