// npm run bench:dataset [-- --gigabytes 2 --dir DIR [--runtime-only]]
// Builds a dataset archive of the given size (.tar.gz of noise JPEGs: incompressible, like real photos), then
// validates it the way the server's validation job does — streamed from disk, every image fully decoded, every file
// stored in a folder store — and reports the time and the peak resident memory (VmHWM) of this process. Run it
// twice: the first run also builds the archive, which raises that run's peak.
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import sharp from "sharp";
import tarStream from "tar-stream";
import { validateDatasetArchive } from "../lib/datasets/validate-dataset-archive";
import { FolderBlobStore } from "../lib/storage/folder-blob-store";

const { values } = parseArgs({ options: { gigabytes: { type: "string", default: "2" }, dir: { type: "string", default: "/tmp/podium-bench-dataset" } } });
const target = Number(values.gigabytes) * 1024 ** 3;
const dir = values.dir!;
mkdirSync(dir, { recursive: true });
const archivePath = join(dir, `dataset-${values.gigabytes}g.tar.gz`);

function peakRssMiB(): number {
  const status = readFileSync("/proc/self/status", "utf8");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

async function noiseJpeg(seed: number): Promise<Buffer> {
  const size = 900;
  const pixels = Buffer.alloc(size * size * 3);
  let state = seed * 2654435761 || 1;
  for (let i = 0; i < pixels.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    pixels[i] = state & 0xff;
  }
  return sharp(pixels, { raw: { width: size, height: size, channels: 3 } }).jpeg({ quality: 92 }).toBuffer();
}

if (!existsSync(archivePath)) {
  const started = Date.now();
  const images = await Promise.all(Array.from({ length: 24 }, (_, i) => noiseJpeg(i + 1)));
  const pack = tarStream.pack();
  const writing = pipeline(pack, createGzip({ level: 1 }), createWriteStream(archivePath));
  let written = 0;
  let i = 0;
  const truth: Record<string, string[]> = {};
  const add = (name: string, data: Buffer) => new Promise<void>((resolve, reject) => pack.entry({ name }, data, (error) => (error ? reject(error) : resolve())));
  while (written < target) {
    const image = images[i % images.length]!;
    const folder = i % 2 === 0 ? "query" : "gallery";
    const name = `${folder === "query" ? "q" : "g"}${String(Math.floor(i / 2)).padStart(6, "0")}.jpg`;
    if (folder === "query") truth[name] = [`g${String(Math.floor(i / 2)).padStart(6, "0")}.jpg`];
    await add(`${folder}/${name}`, image);
    written += image.length;
    i++;
  }
  if (i % 2 === 1) await add(`gallery/g${String(Math.floor(i / 2)).padStart(6, "0")}.jpg`, images[0]!);
  await add("ground_truth.json", Buffer.from(JSON.stringify(truth)));
  pack.finalize();
  await writing;
  console.log(`built ${archivePath}: ${i} images, ${(statSync(archivePath).size / 1024 ** 3).toFixed(2)} GiB in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

const storeRoot = join(dir, "store");
rmSync(storeRoot, { recursive: true, force: true });
const store = new FolderBlobStore({ root: storeRoot, baseUrl: "http://localhost", secret: "bench" });
const size = statSync(archivePath).size;
const before = peakRssMiB();
let sampledPeak = 0;
const sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss / 1024 ** 2)), 200);
const started = Date.now();
const { createReadStream } = await import("node:fs");
const result = await validateDatasetArchive({
  source: { size, stream: async (range) => createReadStream(archivePath, range ? { start: range.start, end: range.end } : {}) },
  kind: "tar.gz",
  storeFile: async (path, bytes) => {
    await store.put(`files/${path}`, bytes);
  },
});
clearInterval(sampler);
const seconds = (Date.now() - started) / 1000;
const { report } = result;
console.log(`bench:dataset — ${(size / 1024 ** 3).toFixed(2)} GiB .tar.gz, ${report.counts.entries} entries (${report.counts.query} query, ${report.counts.gallery} gallery): ${report.status}`);
console.log(`  validated (streamed, every image decoded, files stored) in ${seconds.toFixed(1)} s = ${(size / 1024 ** 2 / seconds).toFixed(0)} MiB/s`);
console.log(`  peak resident memory (VmHWM) ${peakRssMiB().toFixed(0)} MiB; sampled RSS peak ${sampledPeak.toFixed(0)} MiB; before validation ${before.toFixed(0)} MiB`);
rmSync(storeRoot, { recursive: true, force: true });
