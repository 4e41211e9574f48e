import { closeSync, existsSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync, writeSync } from "node:fs";
import sharp from "sharp";
import { inputResize, type ModelManifest } from "./manifest";

// Decoding JPEGs is most of a cold model run's cost (bench:worker: a MobileNet runs 2.5 times faster than its images
// decode). Every image of a dataset version is therefore decoded once per worker into a cache of 8-bit RGB pixels,
// its shortest side scaled to PIXEL_CACHE_SIDE (never enlarged); a model with any input size, resize mode or
// normalisation then resizes cached pixels — a fraction of a decode — and only the per-model float tensors are new.
// Every run goes through this cache, so a model's input is the same whether the cache was just built or not.

/** Shortest side of cached images: enough for 224–336 px inputs (CLIP ViT-L/14@336 included). */
export const PIXEL_CACHE_SIDE = 336;
/** Written into the tensor cache's name: tensors made from cached pixels differ slightly from direct decodes. */
export const PIXEL_CACHE_VERSION = `px${PIXEL_CACHE_SIDE}`;

export interface CachedImage {
  offset: number;
  width: number;
  height: number;
}

const indexPath = (path: string) => `${path}.index.json`;

export function pixelCacheReady(path: string, count: number): boolean {
  if (!existsSync(path) || !existsSync(indexPath(path))) return false;
  try {
    return (JSON.parse(readFileSync(indexPath(path), "utf8")) as CachedImage[]).length === count;
  } catch {
    return false;
  }
}

/** Decodes one image the way the cache keeps it: RGB, shortest side PIXEL_CACHE_SIDE (or less when it is smaller). */
async function decodeForCache(file: string): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(file, { failOn: "error", limitInputPixels: 100_000_000 })
    .resize(PIXEL_CACHE_SIDE, PIXEL_CACHE_SIDE, { fit: "outside", withoutEnlargement: true, fastShrinkOnLoad: true })
    .removeAlpha()
    .toColourspace("srgb")
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels, expected 3`);
  return { data, width: info.width, height: info.height };
}

/**
 * Builds the cache file `path` (pixels) and `path.index.json` for `files`, decoding several at once on libvips'
 * threads and writing in order. Written under temporary names and renamed, so a half-built cache is never used.
 */
export async function buildPixelCache(path: string, files: string[], onProgress?: (done: number, total: number) => void): Promise<void> {
  const index: CachedImage[] = new Array(files.length);
  const partial = `${path}.${process.pid}.partial`;
  const fd = openSync(partial, "w");
  try {
    let offset = 0;
    let nextToWrite = 0;
    const decoded = new Map<number, { data: Buffer; width: number; height: number }>();
    let next = 0;
    const flush = () => {
      while (decoded.has(nextToWrite)) {
        const image = decoded.get(nextToWrite)!;
        decoded.delete(nextToWrite);
        for (let written = 0; written < image.data.length; ) written += writeSync(fd, image.data, written, image.data.length - written, offset + written);
        index[nextToWrite] = { offset, width: image.width, height: image.height };
        offset += image.data.length;
        nextToWrite++;
        if (nextToWrite % 50 === 0 || nextToWrite === files.length) onProgress?.(nextToWrite, files.length);
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(8, files.length) }, async () => {
        for (let i = next++; i < files.length; i = next++) {
          try {
            decoded.set(i, await decodeForCache(files[i]!));
          } catch (error) {
            throw new Error(`image ${i + 1} could not be decoded: ${error instanceof Error ? error.message : String(error)}`);
          }
          flush();
        }
      }),
    );
    flush();
  } catch (error) {
    closeSync(fd);
    rmSync(partial, { force: true });
    throw error;
  }
  closeSync(fd);
  writeFileSync(`${indexPath(path)}.partial`, JSON.stringify(index));
  renameSync(partial, path);
  renameSync(`${indexPath(path)}.partial`, indexPath(path));
}

/** Reads cached images and resizes them to a model's input, as decodeToPixels does from the files. */
export class PixelCacheReader {
  private readonly fd: number;
  private readonly index: CachedImage[];

  constructor(path: string) {
    this.index = JSON.parse(readFileSync(indexPath(path), "utf8")) as CachedImage[];
    this.fd = openSync(path, "r");
  }

  get count(): number {
    return this.index.length;
  }

  /** Image i at the model's input size, RGB bytes. */
  async pixels(i: number, manifest: ModelManifest): Promise<Buffer> {
    const entry = this.index[i]!;
    const bytes = Buffer.allocUnsafe(entry.width * entry.height * 3);
    readSync(this.fd, bytes, 0, bytes.length, entry.offset);
    const { width, height, options } = inputResize(manifest);
    const { data, info } = await sharp(bytes, { raw: { width: entry.width, height: entry.height, channels: 3 } })
      .resize(width, height, options)
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || data.length !== height * width * 3) throw new Error(`resized to ${info.width}×${info.height}×${info.channels}, expected ${width}×${height}×3`);
    return data;
  }

  close(): void {
    closeSync(this.fd);
  }
}
