import { createHash, type Hash } from "node:crypto";
import { createWriteStream, mkdirSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { readArchiveEntries, ArchiveFormatError, type ArchiveSource } from "../datasets/archive-entries";
import type { BlobStore } from "../storage/blob-store";
import { ModelCheckError, type ExternalDataReference } from "./check-model";

// A model entry is one .onnx file, or an .onnx with the external data files it references (models over protobuf's
// 2 GiB limit must be exported that way), sent together as a .zip or .tar — by the browser, the API, or `podium
// submit MODEL.onnx --data FILE…`, which packs them. The checker and every scoring worker unpack it from storage into
// a folder of their own; what may be in it is decided here, once.

export type ModelUploadKind = "onnx" | "zip" | "tar";

/** ONNX files are protobuf messages, which cannot exceed 2 GiB; larger models keep their weights in data files. */
export const PROTOBUF_LIMIT = 2 ** 31 - 1;

/** Files an upload may hold: a model and its data files are a handful; thousands would only cost the worker inodes. */
export const MAX_ARCHIVE_FILES = 1000;

export function modelUploadKindOf(fileName: string): ModelUploadKind | null {
  const lower = fileName.toLowerCase();
  if (lower.endsWith(".onnx")) return "onnx";
  if (lower.endsWith(".zip")) return "zip";
  if (lower.endsWith(".tar")) return "tar";
  return null;
}

/** A relative location inside the upload: no absolute path, no "..", no backslash or empty segment. */
export function plainRelativePath(path: string): boolean {
  if (path === "" || path.startsWith("/") || path.includes("\\") || /^[A-Za-z]:/.test(path) || path.includes("\0")) return false;
  const segments = path.split("/");
  return segments.every((segment) => segment !== "" && segment !== "." && segment !== "..");
}

export interface ModelFiles {
  /** Path of the .onnx file. */
  modelPath: string;
  /** Every file of the upload, relative to the .onnx file's folder, with its size. */
  files: Map<string, number>;
  /** Bytes written. */
  totalBytes: number;
  /** SHA-256 of the stored upload, taken on the way when it was read whole in one pass (a plain .onnx). */
  sha256: string | null;
}

const refuse = (message: string) => new ModelCheckError("ARCHIVE", message);

/**
 * Writes a model upload's files into `dir`: the .onnx itself, or the entries of its .zip/.tar — which must be plain
 * files with plain relative names (no links, devices, "..", absolute paths), exactly one of them an .onnx, at most
 * `maxBytes` in all (counted as they are written, so a zip cannot expand past it).
 */
export async function fetchModelFiles(store: BlobStore, key: string, kind: ModelUploadKind, dir: string, maxBytes: number): Promise<ModelFiles> {
  mkdirSync(dir, { recursive: true });
  if (kind === "onnx") {
    const modelPath = join(dir, "model.onnx");
    const hash = createHash("sha256");
    const totalBytes = await writeLimited(await store.stream(key), modelPath, maxBytes, "the model", hash);
    return { modelPath, files: new Map([["model.onnx", totalBytes]]), totalBytes, sha256: hash.digest("hex") };
  }
  const head = await store.head(key);
  if (!head) throw refuse("the upload is missing: no bytes were stored for this model");
  const source: ArchiveSource = { size: head.size, stream: (range) => store.stream(key, range) };
  const written = new Map<string, number>();
  let totalBytes = 0;
  try {
    for await (const entry of readArchiveEntries(source, kind)) {
      const path = entry.path.replace(/\/+$/, "");
      if (entry.type === "directory") continue;
      if (entry.type !== "file") throw refuse(`the archive's entry "${entry.path}" is a ${entry.type}: only plain files are accepted`);
      if (!plainRelativePath(path)) throw refuse(`the archive's entry "${entry.path}" is not a plain relative path (no "..", no absolute paths)`);
      if (written.has(path)) throw refuse(`the archive holds "${path}" twice`);
      if (written.size >= MAX_ARCHIVE_FILES) throw refuse(`the archive holds more than ${MAX_ARCHIVE_FILES} files: send the .onnx and the data files it references`);
      if (totalBytes + entry.size > maxBytes) throw refuse(`the archive's files exceed ${formatBytes(maxBytes)}, this competition's model size limit`);
      const size = await writeLimited(await entry.open(), join(dir, ...path.split("/")), maxBytes - totalBytes, `the archive's files`);
      written.set(path, size);
      totalBytes += size;
    }
  } catch (error) {
    if (error instanceof ArchiveFormatError) throw refuse(`the ${kind} archive cannot be read: ${error.message}`);
    throw error;
  }
  const models = [...written.keys()].filter((path) => path.toLowerCase().endsWith(".onnx"));
  if (models.length !== 1) throw refuse(models.length === 0 ? "the archive holds no .onnx file" : `the archive holds ${models.length} .onnx files (${models.join(", ")}); send exactly one`);
  const model = models[0]!;
  if (written.get(model)! > PROTOBUF_LIMIT) throw refuse(`${model} is ${formatBytes(written.get(model)!)}; an .onnx file cannot exceed 2 GiB (protobuf's limit): keep the weights in external data files`);
  // Locations in the model are relative to its own folder.
  const base = posix.dirname(model);
  const files = new Map<string, number>();
  for (const [path, size] of written) files.set(base === "." ? path : posix.relative(base, path), size);
  return { modelPath: join(dir, ...model.split("/")), files, totalBytes, sha256: null };
}

async function writeLimited(input: NodeJS.ReadableStream, path: string, limit: number, what: string, hash?: Hash): Promise<number> {
  mkdirSync(dirname(path), { recursive: true });
  let size = 0;
  await pipeline(
    input,
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > limit) return done(refuse(`${what} exceed${what.endsWith("s") ? "" : "s"} ${formatBytes(limit)}, this competition's model size limit`));
        hash?.update(chunk);
        done(null, chunk);
      },
    }),
    createWriteStream(path),
  );
  return size;
}

/**
 * Every external data reference resolves inside the upload: a plain relative location, a file that exists, and an
 * offset and length within it. A single .onnx with references is told how to send its data files.
 */
export function checkExternalData(references: ExternalDataReference[], files: Map<string, number>, kind: ModelUploadKind): void {
  if (references.length === 0) return;
  if (kind === "onnx") {
    const locations = [...new Set(references.map((reference) => reference.location))];
    throw new ModelCheckError(
      "EXTERNAL_DATA",
      `the model keeps tensor data in external files (${locations.join(", ")}): send the .onnx together with them — a .zip or .tar holding all of them, or \`podium submit MODEL.onnx --data ${locations[0]}\``,
    );
  }
  for (const reference of references) {
    const where = `tensor "${reference.tensor}" refers to "${reference.location}"`;
    if (!plainRelativePath(reference.location)) throw new ModelCheckError("EXTERNAL_DATA", `${where}: only plain relative locations inside the upload are allowed`);
    const size = files.get(reference.location);
    if (size === undefined) throw new ModelCheckError("EXTERNAL_DATA", `${where}, which is not in the upload (it holds ${[...files.keys()].join(", ")})`);
    const end = reference.offset + (reference.length ?? 0);
    if (reference.offset > size || end > size) throw new ModelCheckError("EXTERNAL_DATA", `${where} at bytes ${reference.offset}–${end}, beyond the file's ${size} bytes`);
  }
}

/** Sizes in refusals: "1.21 GB", "52.7 MB", "812 bytes". */
export function formatBytes(bytes: number | bigint): string {
  const value = Number(bytes);
  if (value >= 1e9) return `${(value / 1e9).toFixed(2)} GB`;
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)} MB`;
  return `${value} bytes`;
}
