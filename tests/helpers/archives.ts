import { Readable } from "node:stream";
import { crc32, deflateRawSync, gzipSync } from "node:zlib";
import sharp from "sharp";
import tarStream from "tar-stream";
import type { ArchiveSource } from "../../lib/datasets/archive-entries";

// Test fixtures made on the fly: small images with sharp, and archives (tar, tar.gz, zip) including hostile ones
// that ordinary tools refuse to write (`..` paths, links, devices, bombs).

/** A small JPEG (or PNG) whose pixels depend on `seed`. */
export async function makeImage(seed: number, format: "jpeg" | "png" = "jpeg", size = 24): Promise<Buffer> {
  const pixels = Buffer.alloc(size * size * 3);
  let state = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < pixels.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    pixels[i] = state & 0xff;
  }
  const image = sharp(pixels, { raw: { width: size, height: size, channels: 3 } });
  return format === "png" ? image.png().toBuffer() : image.jpeg({ quality: 80 }).toBuffer();
}

export interface FixtureEntry {
  name: string;
  data?: Buffer | string;
  type?: "file" | "directory" | "symlink" | "link" | "character-device";
  linkname?: string;
}

export async function tarArchive(entries: FixtureEntry[], gzip = false): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on("data", (chunk: unknown) => chunks.push(chunk as Buffer));
    pack.on("end", resolve);
    pack.on("error", reject);
  });
  for (const entry of entries) {
    const data = entry.data === undefined ? undefined : Buffer.from(entry.data);
    await new Promise<void>((resolve, reject) =>
      pack.entry({ name: entry.name, type: entry.type ?? "file", linkname: entry.linkname, size: data?.length ?? 0 }, data ?? "", (error) => (error ? reject(error) : resolve())),
    );
  }
  pack.finalize();
  await done;
  const tar = Buffer.concat(chunks);
  return gzip ? gzipSync(tar) : tar;
}

export interface ZipFixtureEntry {
  name: string;
  data: Buffer | string;
  /** Unix mode (e.g. 0o120777 for a symlink); stored in the external attributes. */
  mode?: number;
  deflate?: boolean;
}

/** A minimal zip writer that writes whatever it is told, so hostile archives can be made. */
export function zipArchive(entries: ZipFixtureEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, "utf8");
    const data = Buffer.from(entry.data);
    const deflate = entry.deflate ?? true;
    const stored = deflate ? deflateRawSync(data) : data;
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(deflate ? 8 : 0, 8);
    local.writeUInt32LE(0, 10);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(stored.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(deflate ? 8 : 0, 10);
    central.writeUInt32LE(0, 12);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(stored.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((entry.mode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, stored);
    centrals.push(central, name);
    offset += local.length + name.length + stored.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** An archive source over bytes in memory, with ranged reads like storage gives. */
export function bufferSource(bytes: Buffer): ArchiveSource {
  return {
    size: bytes.length,
    stream: async (range) => Readable.from([range ? bytes.subarray(range.start, range.end + 1) : bytes]),
  };
}

/** The entries of a valid dataset: `queries` queries, each matching gallery file g<i>, plus two distractors. */
export async function validDatasetEntries(queries = 4, options: { labels?: "json" | "csv"; training?: boolean; prefix?: string } = {}): Promise<FixtureEntry[]> {
  const prefix = options.prefix ?? "";
  const entries: FixtureEntry[] = [];
  const truth: Record<string, string[]> = {};
  for (let i = 0; i < queries; i++) {
    entries.push({ name: `${prefix}query/q${i}.jpg`, data: await makeImage(i) });
    entries.push({ name: `${prefix}gallery/g${i}.jpg`, data: await makeImage(100 + i) });
    truth[`q${i}.jpg`] = [`g${i}.jpg`];
  }
  entries.push({ name: `${prefix}gallery/distractor-1.png`, data: await makeImage(900, "png") });
  entries.push({ name: `${prefix}gallery/distractor-2.jpg`, data: await makeImage(901) });
  if (options.training) {
    entries.push({ name: `${prefix}training/alice/a1.jpg`, data: await makeImage(500) });
    entries.push({ name: `${prefix}training/alice/a2.jpg`, data: await makeImage(501) });
    entries.push({ name: `${prefix}training/bob/b1.jpg`, data: await makeImage(502) });
  }
  if (options.labels === "csv") {
    const rows = ["file,identity", ...Object.entries(truth).flatMap(([q, [g]], i) => [`query/${q},person${i}`, `gallery/${g},person${i}`])];
    entries.push({ name: `${prefix}labels.csv`, data: rows.join("\n") });
  } else {
    entries.push({ name: `${prefix}ground_truth.json`, data: JSON.stringify(truth) });
  }
  return entries;
}
