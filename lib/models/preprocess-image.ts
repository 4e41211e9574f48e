import sharp from "sharp";
import { createHash } from "node:crypto";
import { inputResize, inputSize, pixelNormalisation, preprocessingSignature, type ModelManifest } from "./manifest";
import { PIXEL_CACHE_VERSION } from "./pixel-cache";

// Images become model input in two steps: decoding and resizing gives 8-bit RGB pixels of the model's input size;
// normalising those pixels into a float tensor in the model's layout and channel order follows. The worker caches the
// finished tensors, so a warm run only reads them.

/**
 * Folder name of cached tensors: readable size and resize mode, plus a hash of the whole preprocessing signature.
 * Tensors made from the dataset's pixel cache (the worker's way) are kept apart from those decoded from the files:
 * they differ slightly (two resamplings).
 */
export function tensorCacheName(manifest: ModelManifest, source: "pixel-cache" | "files" = "pixel-cache"): string {
  const [height, width] = inputSize(manifest);
  const name = `${height}x${width}-${manifest.resize}-${createHash("sha256").update(preprocessingSignature(manifest)).digest("hex").slice(0, 12)}`;
  return source === "pixel-cache" ? `${PIXEL_CACHE_VERSION}-${name}` : name;
}

/** Folder name of a dataset's bytes at one input geometry (size and resize mode), made from its pixel cache. */
export function geometryCacheName(manifest: ModelManifest): string {
  const [height, width] = inputSize(manifest);
  return `${PIXEL_CACHE_VERSION}-${height}x${width}-${manifest.resize}-bytes`;
}

/**
 * Decodes an image into height × width × 3 RGB bytes. JPEGs are shrunk while decoding (libvips shrink-on-load), so a
 * large photo costs little more than a small one.
 */
export async function decodeToPixels(image: Buffer | string, manifest: ModelManifest): Promise<Buffer> {
  const { width, height, options } = inputResize(manifest);
  const { data, info } = await sharp(image, { failOn: "error", limitInputPixels: 100_000_000 })
    .resize(width, height, { ...options, fastShrinkOnLoad: true })
    .removeAlpha()
    .toColourspace("srgb")
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || data.length !== height * width * 3) {
    throw new Error(`decoded to ${info.width}×${info.height}×${info.channels}, expected ${width}×${height}×3`);
  }
  return data;
}

/** Per channel (in the model's channel order): a 256-entry table of (byte · scale − mean) / std. */
function normalisationTables(manifest: ModelManifest): Float32Array[] {
  const { scale, mean, std } = pixelNormalisation(manifest);
  return [0, 1, 2].map((channel) => {
    const table = new Float32Array(256);
    for (let value = 0; value < 256; value++) table[value] = (value * scale - mean[channel]!) / std[channel]!;
    return table;
  });
}

/**
 * Packs `count` images of RGB pixels (contiguous, height × width × 3 each) into the float input tensor the manifest
 * describes.
 */
export function pixelsToTensor(pixels: Uint8Array, count: number, manifest: ModelManifest, target?: Float32Array): Float32Array {
  const [height, width] = inputSize(manifest);
  const plane = height * width;
  const out = target ?? new Float32Array(count * plane * 3);
  // Tables and offsets in the model's channel order, read from the RGB pixels: one pass over each image.
  const tables = normalisationTables(manifest);
  const [first, second, third] = manifest.channelOrder === "RGB" ? [0, 1, 2] : [2, 1, 0];
  const t0 = tables[0]!;
  const t1 = tables[1]!;
  const t2 = tables[2]!;
  for (let image = 0; image < count; image++) {
    const base = image * plane * 3;
    if (manifest.layout === "NCHW") {
      for (let p = 0, s = base, o = base; p < plane; p++, s += 3, o++) {
        out[o] = t0[pixels[s + first!]!]!;
        out[o + plane] = t1[pixels[s + second!]!]!;
        out[o + 2 * plane] = t2[pixels[s + third!]!]!;
      }
    } else {
      for (let s = base, end = base + plane * 3; s < end; s += 3) {
        out[s] = t0[pixels[s + first!]!]!;
        out[s + 1] = t1[pixels[s + second!]!]!;
        out[s + 2] = t2[pixels[s + third!]!]!;
      }
    }
  }
  return out;
}

/** The tensor's dims for a batch. */
export function tensorDims(count: number, manifest: ModelManifest): number[] {
  const [height, width] = inputSize(manifest);
  return manifest.layout === "NCHW" ? [count, 3, height, width] : [count, height, width, 3];
}
