import { createHash } from "node:crypto";
import { createWriteStream, existsSync, openAsBlob, renameSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { AppError } from "../lib/errors/app-error";
import { tarBlob } from "../lib/models/tar-blob";

/**
 * Packs MODEL.onnx and its external data files into one .tar, the form the server accepts them in. Each data file is
 * named as the model refers to it: its path relative to the model's folder (a file elsewhere keeps its own name).
 * The .tar is written once per set of files (name from their paths, sizes and times) in the temporary folder, so
 * running the same command again resumes the same upload.
 */
export async function packModelWithData(modelPath: string, dataPaths: string[]): Promise<{ path: string; fileName: string }> {
  const model = resolve(modelPath);
  const entries: { name: string; path: string; size: number; mtime: Date }[] = [];
  for (const path of [model, ...dataPaths.map((item) => resolve(item))]) {
    if (!existsSync(path)) throw new AppError("BAD_REQUEST", `${path} does not exist`);
    const stat = statSync(path);
    if (!stat.isFile()) throw new AppError("BAD_REQUEST", `${path} is not a file`);
    const inside = relative(dirname(model), path);
    const name = path === model ? basename(model) : inside.startsWith("..") || inside.includes(`..${sep}`) ? basename(path) : inside.split(sep).join("/");
    if (entries.some((entry) => entry.name === name)) throw new AppError("BAD_REQUEST", `two files would be sent as "${name}"`);
    entries.push({ name, path, size: stat.size, mtime: stat.mtime });
  }
  const identity = createHash("sha256").update(JSON.stringify(entries.map((entry) => [entry.path, entry.size, entry.mtime.getTime()]))).digest("hex").slice(0, 16);
  const target = join(tmpdir(), `podium-model-${identity}.tar`);
  const fileName = `${basename(model).replace(/\.onnx$/i, "")}.tar`;
  if (existsSync(target)) return { path: target, fileName };
  // The same ustar writer as the browser's: a Blob of headers and the files themselves, streamed to disk.
  const archive = tarBlob(await Promise.all(entries.map(async (entry) => ({ name: entry.name, blob: await openAsBlob(entry.path), lastModified: entry.mtime.getTime() }))));
  await pipeline(Readable.fromWeb(archive.stream() as WebReadableStream), createWriteStream(`${target}.partial`));
  renameSync(`${target}.partial`, target);
  return { path: target, fileName };
}
