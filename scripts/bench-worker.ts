// npm run bench:worker -- --model ../shared/models/mobilenetv2-12-int8.onnx --data ../shared/data/cufs-photo-sketch
//   [--batch 16] [--runs 3] [--threads N] [--manifest '{"size":224,...}'] [--topk 10000x100000x256] [--budget-mb 256] [--no-topk]
// Times the worker's embedding pipeline (lib/models/embed-images.ts) on a folder of real images against the floor of
// the same run: bare `session.run` over the same batches, tensors prepared before timing. Cold = no preprocessed-tensor
// cache (every image decoded by sharp, overlapped with inference, the cache file written); warm = the cache filled;
// sequential = decode a batch, then run it, no overlap. Then top-k ranking (topKNeighbours: MatMul + TopK in chunks)
// of seeded random normalised embeddings against the bare MatMul over the same chunks. Medians of --runs rounds; the
// modes are interleaved within a round so that other work on the machine hits them alike. Everything runs in this
// process (the worker runs the same code in its sandbox child). --threads sets onnxruntime's intraOpNumThreads
// (default: unset, as the worker creates its sessions).
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import * as ort from "onnxruntime-node";
import sharp from "sharp";
import { createSessionWithFallback } from "../lib/models/create-session";
import { embedImages } from "../lib/models/embed-images";
import { inputSize, modelManifestSchema, type ModelManifest } from "../lib/models/manifest";
import { attr, buildModel, node, valueInfo } from "../lib/models/onnx-graph";
import { buildPixelCache, PixelCacheReader } from "../lib/models/pixel-cache";
import { decodeToPixels, pixelsToTensor, tensorDims } from "../lib/models/preprocess-image";
import { chunkPlan, normaliseRows, similarityOnlyModel, topKNeighbours, transposeRows } from "../lib/models/rank-embeddings";

const { values } = parseArgs({
  options: {
    model: { type: "string" },
    data: { type: "string" },
    batch: { type: "string", default: "16" },
    runs: { type: "string", default: "3" },
    threads: { type: "string" },
    manifest: { type: "string" },
    topk: { type: "string", default: "10000x100000x256" },
    "budget-mb": { type: "string", default: "256" },
    "no-topk": { type: "boolean", default: false },
  },
});
if (!values.model || !values.data) {
  console.error("usage: npm run bench:worker -- --model MODEL.onnx --data IMAGE_FOLDER [--batch 16] [--runs 3] [--threads N] [--no-topk]");
  process.exit(2);
}
const runs = Math.max(1, Number(values.runs));
const threads = values.threads ? Number(values.threads) : undefined;
const modelPath = resolve(values.model);
const started = performance.now();

// ---------------------------------------------------------------------------------------------------------------
// Measuring: wall time, CPU time of all threads (process.cpuUsage), CPU per thread group (/proc), peak RSS per phase.

const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};
const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
const fmt = (value: number, digits = 0) => value.toLocaleString("en", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const load = () => loadavg().map((value) => value.toFixed(2)).join(" ");

type ThreadGroups = Record<"main" | "vips" | "other", number>;
/**
 * CPU ms of each live thread, by thread id, with its group: main (JavaScript, and onnxruntime's calling thread:
 * onnxruntime-node runs session.run synchronously on it), libvips workers, other (libuv's pool running sharp pipelines
 * and file reads, onnxruntime's intra-op pool, V8's helpers).
 */
function threadTimes(): Map<string, { group: keyof ThreadGroups; ms: number }> {
  const times = new Map<string, { group: keyof ThreadGroups; ms: number }>();
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ms = (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in USER_HZ (100) ticks
      const name = readFileSync(`/proc/self/task/${tid}/comm`, "utf8").trim();
      times.set(tid, { group: Number(tid) === process.pid ? "main" : name.startsWith("libvips") ? "vips" : "other", ms });
    } catch {
      // the thread ended between listing and reading
    }
  }
  return times;
}
/** CPU per group between two snapshots, over the threads alive at the end (a thread that ended meanwhile is left out). */
function threadDelta(before: ReturnType<typeof threadTimes>, after: ReturnType<typeof threadTimes>): ThreadGroups {
  const groups = { main: 0, vips: 0, other: 0 };
  for (const [tid, { group, ms }] of after) groups[group] += ms - (before.get(tid)?.ms ?? 0);
  return groups;
}

const statusMiB = (field: "VmHWM" | "VmRSS") => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync("/proc/self/status", "utf8"))![1]) / 1024;
/** Peak resident memory (VmHWM) since the last call, in MiB; resets it to the current RSS (clear_refs 5) for the next phase where allowed. */
let runPeakMiB = 0;
function phasePeakMiB(): number {
  const peak = statusMiB("VmHWM");
  runPeakMiB = Math.max(runPeakMiB, peak);
  try {
    writeFileSync("/proc/self/clear_refs", "5");
  } catch {
    // without the reset each phase reports the peak so far
  }
  return peak;
}

/** A full garbage collection (V8's gc, enabled at run time), so a phase's peak does not carry the previous one's garbage. */
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

interface Measured {
  wallMs: number;
  cpuMs: number;
  threads: ThreadGroups;
  inferenceMs?: number;
  decodeMs?: number;
  embeddings?: Float32Array;
}

async function measure(body: () => Promise<Partial<Measured> | void>): Promise<Measured> {
  const threads0 = threadTimes();
  const cpu0 = cpuMs();
  const wall0 = performance.now();
  const extra = (await body()) ?? {};
  const wallMs = performance.now() - wall0;
  const cpu = cpuMs() - cpu0;
  return { wallMs, cpuMs: cpu, threads: threadDelta(threads0, threadTimes()), ...extra };
}

// ---------------------------------------------------------------------------------------------------------------
// The image set: every image under --data (a dataset folder's query/ and gallery/, or a flat folder), in path order.

const IMAGE = /\.(jpe?g|png|webp|tiff?|gif|avif)$/i;
function listImages(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listImages(path));
    else if (IMAGE.test(entry.name)) out.push(path);
  }
  return out;
}
const dataDir = resolve(values.data);
const files = listImages(dataDir);
if (files.length === 0) throw new Error(`no images under ${dataDir}`);
const folders = new Map<string, number>();
for (const file of files) {
  const folder = relative(dataDir, join(file, "..")) || ".";
  folders.set(folder, (folders.get(folder) ?? 0) + 1);
}
const imageBytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
const count = files.length;

// ---------------------------------------------------------------------------------------------------------------
// The session (created as the worker creates it) and the manifest (MobileNetV2's by default: ImageNet preprocessing).

const { session, provider } = await createSessionWithFallback(modelPath, ["cpu"], threads ? { intraOpNumThreads: threads } : {});
const manifest: ModelManifest = modelManifestSchema.parse({
  input: session.inputNames[0],
  output: session.outputNames[0],
  size: 224,
  layout: "NCHW",
  channelOrder: "RGB",
  scale: 1 / 255,
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
  resize: "center-crop",
  batchSize: Number(values.batch),
  ...(values.manifest ? (JSON.parse(values.manifest) as object) : {}),
});
const [height, width] = inputSize(manifest);
const perImage = height * width * 3;
const batches: [number, number][] = [];
for (let from = 0; from < count; from += manifest.batchSize) batches.push([from, Math.min(count, from + manifest.batchSize)]);

console.log(`bench:worker — ${count} images (${[...folders].map(([folder, n]) => `${folder}/ ${n}`).join(", ")}; ${fmt(imageBytes / 1e6, 1)} MB) from ${dataDir}`);
console.log(`  model ${modelPath} (${fmt(statSync(modelPath).size / 1e6, 1)} MB): "${manifest.input}" [${manifest.layout === "NCHW" ? `N,3,${height},${width}` : `N,${height},${width},3`}] ${manifest.layout} ${manifest.channelOrder} ${manifest.resize} → "${manifest.output}"; batch ${manifest.batchSize}; provider ${provider}`);
console.log(
  `  ${cpus().length} cores (${cpus()[0]?.model ?? "?"}); onnxruntime intraOpNumThreads ${threads ?? "unset (its default)"}; sharp.concurrency() ${sharp.concurrency()}; UV_THREADPOOL_SIZE ${process.env.UV_THREADPOOL_SIZE ?? "unset (4)"}; median of ${runs} run(s)`,
);
console.log(`  load average at start: ${load()}`);
phasePeakMiB();

// ---------------------------------------------------------------------------------------------------------------
// Decode everything once (warming sharp up) and pack the tensors for the bare runs.

const allPixels = Buffer.alloc(count * perImage);
const decodeAll = (fromBytes: boolean) =>
  measure(async () => {
    for (const [from, to] of batches) {
      const parts = await Promise.all(files.slice(from, to).map((file) => decodeToPixels(fromBytes ? readFileSync(file) : file, manifest)));
      Buffer.concat(parts).copy(allPixels, from * perImage);
    }
  });
await decodeAll(true);
const tensors = batches.map(([from, to]) => new ort.Tensor("float32", pixelsToTensor(allPixels.subarray(from * perImage, to * perImage), to - from, manifest), tensorDims(to - from, manifest)));
// Packing pixels into float tensors on the main thread, into one reused buffer, after the pass above warmed it up.
const reused = new Float32Array(manifest.batchSize * perImage);
const packStart = performance.now();
for (const [from, to] of batches) pixelsToTensor(allPixels.subarray(from * perImage, to * perImage), to - from, manifest, reused.subarray(0, (to - from) * perImage));
const packMsPerImage = (performance.now() - packStart) / count;
await session.run({ [manifest.input]: tensors[0]! }, [manifest.output]);

// ---------------------------------------------------------------------------------------------------------------
// The modes.

async function bare(): Promise<Measured> {
  return measure(async () => {
    let dimension = 0;
    const outputs: Float32Array[] = [];
    for (const tensor of tensors) {
      const output = (await session.run({ [manifest.input]: tensor }, [manifest.output]))[manifest.output] as ort.Tensor;
      dimension = output.dims[1] as number;
      outputs.push(output.data as Float32Array);
    }
    const embeddings = new Float32Array(count * dimension);
    outputs.forEach((output, i) => embeddings.set(output, batches[i]![0] * dimension));
    return { embeddings };
  });
}

/** Decode a batch (each file read into memory, then decoded, as embed-images does), pack it, run it; nothing overlaps. */
async function sequential(): Promise<Measured> {
  return measure(async () => {
    let inferenceMs = 0;
    let decodeMs = 0;
    let embeddings: Float32Array | null = null;
    const tensorBuffer = new Float32Array(manifest.batchSize * perImage);
    for (const [from, to] of batches) {
      const decodeStart = performance.now();
      const pixels = Buffer.concat(await Promise.all(files.slice(from, to).map((file) => decodeToPixels(readFileSync(file), manifest))));
      decodeMs += performance.now() - decodeStart;
      const input = pixelsToTensor(pixels, to - from, manifest, tensorBuffer.subarray(0, (to - from) * perImage));
      const runStart = performance.now();
      const output = (await session.run({ [manifest.input]: new ort.Tensor("float32", input, tensorDims(to - from, manifest)) }, [manifest.output]))[manifest.output] as ort.Tensor;
      inferenceMs += performance.now() - runStart;
      const dimension = output.dims[1] as number;
      embeddings ??= new Float32Array(count * dimension);
      embeddings.set(output.data as Float32Array, from * dimension);
    }
    return { inferenceMs, decodeMs, embeddings: embeddings! };
  });
}

const cacheDir = mkdtempSync(join(tmpdir(), "podium-bench-worker-"));
const cachePath = join(cacheDir, "tensors.f32");
async function pipeline(kind: "cold" | "warm"): Promise<Measured> {
  if (kind === "cold") rmSync(cachePath, { force: true });
  const timings = { decodeMs: 0, inferenceMs: 0, cacheHit: false };
  const result = await measure(async () => {
    const embedded = await embedImages({ session, manifest, label: "gallery", count, readImage: async (index) => files[index]!, cachePath, timings });
    return { embeddings: embedded.data };
  });
  if (timings.cacheHit !== (kind === "warm")) throw new Error(`${kind} run: cacheHit was ${timings.cacheHit}`);
  return { ...result, inferenceMs: timings.inferenceMs, decodeMs: timings.decodeMs };
}

// The dataset's pixel cache (lib/models/pixel-cache.ts), as a worker builds it once per dataset version: a model with
// a new preprocessing then resizes cached pixels instead of decoding the JPEGs ("cold, pixel cache filled").
const pixelCachePath = join(cacheDir, "pixels.rgb");
const pixelCacheBuild = await measure(async () => void (await buildPixelCache(pixelCachePath, files)));
const pixelReader = new PixelCacheReader(pixelCachePath);
// Below it, the bytes at this input's geometry: filled by the first model of that size and resize mode, so a model with
// the same geometry and another normalisation only packs them ("cold, same geometry").
const geometryCachePath = join(cacheDir, "geometry.u8");
async function fromPixelCache(geometry: "new" | "known"): Promise<Measured> {
  if (geometry === "new") rmSync(geometryCachePath, { force: true });
  const timings = { decodeMs: 0, inferenceMs: 0, cacheHit: false };
  const result = await measure(async () => {
    const embedded = await embedImages({ session, manifest, label: "gallery", count, readImage: async (index) => files[index]!, pixels: pixelReader, cachePath: null, geometryCachePath, timings });
    return { embeddings: embedded.data };
  });
  return { ...result, inferenceMs: timings.inferenceMs, decodeMs: timings.decodeMs };
}

const modes = {
  bare,
  warm: () => pipeline("warm"),
  cold: () => pipeline("cold"),
  pixels: () => fromPixelCache("new"),
  geometry: () => fromPixelCache("known"),
  sequential,
  decodePaths: () => decodeAll(false),
  decodeBytes: () => decodeAll(true),
} as const;
type Mode = keyof typeof modes;
const results = Object.fromEntries(Object.keys(modes).map((mode) => [mode, [] as Measured[]])) as Record<Mode, Measured[]>;
await pipeline("cold"); // fills the cache for the first warm run
collectGarbage();
phasePeakMiB();
const embedStartMiB = statusMiB("VmRSS");
const embedPeaks: number[] = [];
for (let round = 0; round < runs; round++) {
  for (const mode of Object.keys(modes) as Mode[]) results[mode].push(await modes[mode]());
  embedPeaks.push(phasePeakMiB());
}
const embedLoad = load();
pixelReader.close();
rmSync(cacheDir, { recursive: true, force: true });

// From cached pixels the images are resampled twice (to 336 px once, then to the input): close, not equal.
let pixelsMaxDiff = 0;
for (const run of [...results.pixels, ...results.geometry]) {
  for (let i = 0; i < results.bare[0]!.embeddings!.length; i++) pixelsMaxDiff = Math.max(pixelsMaxDiff, Math.abs(run.embeddings![i]! - results.bare[0]!.embeddings![i]!));
  delete run.embeddings;
}

// Same pixels, same model: every mode must give the same embeddings.
let maxDiff = 0;
const reference = results.bare[0]!.embeddings!;
for (const mode of ["bare", "warm", "cold", "sequential"] as const) {
  for (const run of results[mode]) {
    if (run.embeddings!.length !== reference.length) throw new Error(`${mode}: ${run.embeddings!.length} values, expected ${reference.length}`);
    for (let i = 0; i < reference.length; i++) maxDiff = Math.max(maxDiff, Math.abs(run.embeddings![i]! - reference[i]!));
    delete run.embeddings;
  }
}

/** The run with the median wall time. */
const pick = (mode: Mode) => {
  const wall = median(results[mode].map((run) => run.wallMs));
  return { ...results[mode].find((run) => run.wallMs === wall)!, rate: (count / wall) * 1000 };
};
const m = Object.fromEntries(Object.keys(modes).map((mode) => [mode, pick(mode as Mode)])) as Record<Mode, ReturnType<typeof pick>>;
const ratio = (mode: Mode) => m[mode].rate / m.bare.rate;
const rates = (mode: Mode) => results[mode].map((run) => fmt((count / run.wallMs) * 1000)).join(", ");

console.log(`\nembedding ${count} images → [${count}, ${reference.length / count}]; median of ${runs}; every mode gave the same embeddings (max |Δ| ${maxDiff.toExponential(1)})`);
const line = (label: string, mode: Mode, goal?: number) => {
  const goalText = goal === undefined ? "" : `  goal ≥ ${goal}: ${ratio(mode) >= goal ? "met" : "NOT met"}`;
  const ratioText = mode === "bare" ? "  = floor" : `  = ${ratio(mode).toFixed(2)} × bare`;
  console.log(`  ${label.padEnd(52)} ${fmt(m[mode].rate, 1).padStart(7)} images/s  ${fmt(m[mode].wallMs).padStart(6)} ms${ratioText}${goalText}   [runs: ${rates(mode)}]`);
};
line("bare: session.run only, tensors ready", "bare");
line("warm: embedImages, preprocessed-tensor cache filled", "warm", 0.9);
line("cold: embedImages, no cache (decoding ∥ inference)", "cold", 0.6);
line("cold, pixel cache filled, new input geometry", "pixels", 0.8);
line("cold, pixel cache filled, known geometry (new normalisation)", "geometry", 0.8);
console.log(`    the pixel cache: built once per dataset version in ${fmt(pixelCacheBuild.wallMs)} ms (${fmt((count / pixelCacheBuild.wallMs) * 1000, 1)} images/s); embeddings from it within max |Δ| ${pixelsMaxDiff.toExponential(1)} of the decoded ones`);
line("sequential baseline: decode a batch, then run it", "sequential");

const perImg = (ms: number) => `${(ms / count).toFixed(2)}`;
const split = (g: ThreadGroups) => `main ${perImg(g.main)} + libvips ${perImg(g.vips)} + other ${perImg(g.other)}`;
const cpuLine = (label: string, r: Measured, extra = "") =>
  console.log(`  ${label.padEnd(52)} ${perImg(r.cpuMs).padStart(5)} ms CPU/image, ${(r.cpuMs / r.wallMs).toFixed(2)} cores busy  (${split(r.threads)})${extra}`);
console.log(`\nCPU time per image (process.cpuUsage, all threads; by thread from /proc: main = JS + onnxruntime's calling thread, libvips workers, other = libuv pool, onnxruntime's pool)`);
cpuLine("decode only, sharp given file paths", m.decodePaths, `, ${fmt(m.decodePaths.rate)} images/s`);
cpuLine("decode only, file read first (as embedImages does)", m.decodeBytes, `, ${fmt(m.decodeBytes.rate)} images/s`);
console.log(`  ${"pack pixels → float tensor (pixelsToTensor)".padEnd(52)} ${packMsPerImage.toFixed(2).padStart(5)} ms wall/image on the main thread`);
cpuLine("bare", m.bare);
const inside = (r: Measured, decodeNote: string) => `; session.run ${fmt(r.inferenceMs!)} ms of ${fmt(r.wallMs)} ms wall, decodeMs ${fmt(r.decodeMs!)} (${decodeNote})`;
cpuLine("warm", m.warm, inside(m.warm, "cache reads"));
cpuLine("cold", m.cold, inside(m.cold, "per batch from start to last image, summed: overlaps the runs"));
cpuLine("sequential", m.sequential, inside(m.sequential, "waited for, nothing overlapped"));
const cores = availableParallelism();
const work = m.decodeBytes.cpuMs / count + m.bare.cpuMs / count + packMsPerImage;
const ceiling = (cores / work) * 1000;
console.log(
  `  cold ceiling with ${cores} cores doing only this work: ${cores} / (${perImg(m.decodeBytes.cpuMs)} decode + ${perImg(m.bare.cpuMs)} inference + ${packMsPerImage.toFixed(2)} packing ms CPU/image) = ${fmt(ceiling)} images/s = ${(ceiling / m.bare.rate).toFixed(2)} × bare`,
);
console.log(`  peak RSS during the embedding rounds ${fmt(Math.max(...embedPeaks))} MiB (RSS before them ${fmt(embedStartMiB)} MiB: model, decoded set, packed tensors); load average after: ${embedLoad}`);
await session.release();

// Does onnxruntime use both cores? Bare runs with fresh sessions at other intraOpNumThreads settings.
console.log(`\nbare session.run by onnxruntime intraOpNumThreads (fresh sessions, same tensors)`);
for (const setting of [undefined, 1, cores]) {
  const probe = (await createSessionWithFallback(modelPath, ["cpu"], setting ? { intraOpNumThreads: setting } : {})).session;
  await probe.run({ [manifest.input]: tensors[0]! }, [manifest.output]);
  const passes: Measured[] = [];
  for (let round = 0; round < runs; round++) {
    passes.push(
      await measure(async () => {
        for (const tensor of tensors) await probe.run({ [manifest.input]: tensor }, [manifest.output]);
      }),
    );
  }
  await probe.release();
  const wall = median(passes.map((pass) => pass.wallMs));
  const chosen = passes.find((pass) => pass.wallMs === wall)!;
  console.log(
    `  ${(setting === undefined ? "unset" : String(setting)).padEnd(6)} ${fmt((count / wall) * 1000, 1).padStart(7)} images/s, ${(chosen.cpuMs / wall).toFixed(2)} cores busy, ms CPU/image: main thread ${perImg(chosen.threads.main)}, onnxruntime's pool ${perImg(chosen.threads.other + chosen.threads.vips)}${setting === threads ? "  (the session above)" : ""}   [runs: ${passes.map((pass) => fmt((count / pass.wallMs) * 1000)).join(", ")}]`,
  );
}
console.log(`  load average after: ${load()}`);

// ---------------------------------------------------------------------------------------------------------------
// Top-k ranking: topKNeighbours (MatMul + TopK per chunk, merged) vs the bare MatMul over the same chunks.

if (!values["no-topk"]) {
  const [queryCount, galleryCount, dim] = values.topk.split("x").map(Number) as [number, number, number];
  const k = 10;
  const budget = Number(values["budget-mb"]) * 1024 * 1024;
  // Seeded xorshift32, uniform in [−1, 1), rows normalised (not uniform on the sphere: irrelevant for timing).
  let state = 0x9e3779b9;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2147483648 - 1;
  };
  const fill = (n: number) => {
    const array = new Float32Array(n * dim);
    for (let i = 0; i < array.length; i++) array[i] = random();
    return normaliseRows(array, dim);
  };
  const queries = fill(queryCount);
  const gallery = fill(galleryCount);
  const plan = chunkPlan(queryCount, galleryCount, budget);
  const chunkCount = Math.ceil(galleryCount / plan.galleryChunk) * Math.ceil(queryCount / plan.queryChunk);
  const flops = 2 * queryCount * galleryCount * dim;
  console.log(
    `\ntop-${k}: ${fmt(queryCount)} queries × ${fmt(galleryCount)} gallery × ${dim} dims (seeded random, normalised float32); memory budget ${values["budget-mb"]} MiB → chunk plan ${fmt(plan.queryChunk)} queries × ${fmt(plan.galleryChunk)} gallery (${fmt((plan.queryChunk * plan.galleryChunk * 4) / 2 ** 20)} MiB of scores), ${chunkCount} runs`,
  );

  // Inputs of the floors prepared before timing: transposed gallery chunks, query slices.
  const galleryChunks: ort.Tensor[] = [];
  for (let g0 = 0; g0 < galleryCount; g0 += plan.galleryChunk) {
    const g1 = Math.min(galleryCount, g0 + plan.galleryChunk);
    galleryChunks.push(new ort.Tensor("float32", transposeRows(gallery, dim, g0, g1), [dim, g1 - g0]));
  }
  const queryChunks: ort.Tensor[] = [];
  for (let q0 = 0; q0 < queryCount; q0 += plan.queryChunk) {
    const q1 = Math.min(queryCount, q0 + plan.queryChunk);
    queryChunks.push(new ort.Tensor("float32", queries.subarray(q0 * dim, q1 * dim), [q1 - q0, dim]));
  }
  const overChunks = async (target: ort.InferenceSession) => {
    for (const galleryT of galleryChunks) for (const queryTensor of queryChunks) await target.run({ queries: queryTensor, gallery_t: galleryT });
  };
  // Sessions as topKNeighbours creates its own: CPU provider, onnxruntime's default threads.
  const matmul = await ort.InferenceSession.create(similarityOnlyModel(), { executionProviders: ["cpu"] });
  // The MatMul's arithmetic alone: the same MatMul reduced in-graph to one value per query, so the score matrix is never
  // handed to JavaScript (the bare MatMul is: onnxruntime-node returns each chunk's 256 MiB output as a fresh copy).
  const reducedModel = buildModel({
    name: "similarity_reduced",
    opset: 17,
    nodes: [node("MatMul", ["queries", "gallery_t"], ["similarity"]), node("ReduceMax", ["similarity"], ["best"], { axes: attr.ints([1]), keepdims: attr.int(0) })],
    inputs: [valueInfo("queries", "float", ["q", "d"]), valueInfo("gallery_t", "float", ["d", "g"])],
    outputs: [valueInfo("best", "float", ["q"])],
  });
  const reduced = await ort.InferenceSession.create(reducedModel, { executionProviders: ["cpu"] });
  await reduced.run({ queries: queryChunks[0]!, gallery_t: galleryChunks[0]! });
  collectGarbage();
  const topkStartMiB = statusMiB("VmRSS");

  const timed = { bare: [] as Measured[], reduced: [] as Measured[], topk: [] as Measured[] };
  /** Peak RSS above the RSS at the phase's start (after a full collection), MiB. */
  const peaks = { bare: 0, reduced: 0, topk: 0 };
  const phase = async (name: keyof typeof timed, body: () => Promise<void>) => {
    collectGarbage();
    phasePeakMiB();
    const before = statusMiB("VmRSS");
    timed[name].push(await measure(body));
    peaks[name] = Math.max(peaks[name], phasePeakMiB() - before);
  };
  let ranked: Awaited<ReturnType<typeof topKNeighbours>> | null = null;
  for (let round = 0; round < runs; round++) {
    await phase("topk", async () => {
      ranked = await topKNeighbours(queries, gallery, dim, { k, memoryBudgetBytes: budget });
    });
    await phase("reduced", () => overChunks(reduced));
    await phase("bare", () => overChunks(matmul));
  }
  collectGarbage();
  await matmul.release();
  await reduced.release();

  // Spot check against a brute force in JavaScript.
  const checked = Math.min(5, queryCount);
  let agree = 0;
  for (let q = 0; q < checked; q++) {
    const scores = new Float32Array(galleryCount);
    for (let g = 0; g < galleryCount; g++) {
      let sum = 0;
      for (let i = 0; i < dim; i++) sum += queries[q * dim + i]! * gallery[g * dim + i]!;
      scores[g] = sum;
    }
    const best = Array.from(scores.keys())
      .sort((a, b) => scores[b]! - scores[a]! || a - b)
      .slice(0, k);
    if (best.every((index, slot) => index === ranked!.indices[q * k + slot])) agree++;
  }

  const wall = (list: Measured[]) => median(list.map((run) => run.wallMs));
  const busy = (list: Measured[]) => {
    const middle = list.find((run) => run.wallMs === wall(list))!;
    return (middle.cpuMs / middle.wallMs).toFixed(2);
  };
  const all = (list: Measured[]) => list.map((run) => fmt(run.wallMs)).join(", ");
  const [bareMs, reducedMs, topkMs] = [wall(timed.bare), wall(timed.reduced), wall(timed.topk)];
  console.log(`  bare MatMul (similarityOnlyModel), inputs ready          ${fmt(bareMs).padStart(7)} ms  ${fmt(flops / bareMs / 1e6, 1).padStart(6)} GFLOP/s  ${busy(timed.bare)} cores busy  peak RSS +${fmt(peaks.bare)} MiB   [runs: ${all(timed.bare)}]`);
  console.log(`  MatMul → ReduceMax (arithmetic, no matrix to JS)         ${fmt(reducedMs).padStart(7)} ms  ${fmt(flops / reducedMs / 1e6, 1).padStart(6)} GFLOP/s  ${busy(timed.reduced)} cores busy  peak RSS +${fmt(peaks.reduced)} MiB   [runs: ${all(timed.reduced)}]`);
  console.log(
    `  topKNeighbours (session, transposes, MatMul+TopK, merge) ${fmt(topkMs).padStart(7)} ms  = ${(topkMs / bareMs).toFixed(2)} × bare MatMul, ${(topkMs / reducedMs).toFixed(2)} × MatMul arithmetic  ${busy(timed.topk)} cores busy  peak RSS +${fmt(peaks.topk)} MiB   [runs: ${all(timed.topk)}]`,
  );
  console.log(`  peak RSS +: above the RSS at the start of each timed pass (after a full GC); RSS before the passes ${fmt(topkStartMiB)} MiB (inputs ${fmt((queries.byteLength + gallery.byteLength) / 2 ** 20)} MiB, transposed chunks, earlier phases)`);
  console.log(`  top-${k} of ${checked} queries identical to a brute force in JS: ${agree}/${checked}; load average after: ${load()}`);
}

phasePeakMiB();
console.log(`\npeak RSS of the whole run (VmHWM): ${fmt(runPeakMiB)} MiB; ${fmt((performance.now() - started) / 1000, 1)} s; load average at end: ${load()}`);
