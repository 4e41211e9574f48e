import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { modelManifestSchema } from "./manifest";
import { buildPixelCache, PIXEL_CACHE_SIDE, PixelCacheReader, pixelCacheReady } from "./pixel-cache";
import { decodeToPixels } from "./preprocess-image";

const dir = mkdtempSync(join(tmpdir(), "podium-pixel-cache-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A photo-like gradient with a bright square off-centre, so crops and pads show in the pixels. */
async function photo(name: string, width: number, height: number): Promise<string> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      const square = x > width * 0.6 && x < width * 0.8 && y > height * 0.2 && y < height * 0.4;
      pixels[p] = square ? 250 : Math.round((200 * x) / width);
      pixels[p + 1] = square ? 240 : Math.round((200 * y) / height);
      pixels[p + 2] = 90;
    }
  }
  const path = join(dir, name);
  writeFileSync(path, await sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 92 }).toBuffer());
  return path;
}

describe("pixel cache", () => {
  it("keeps each image once at a shortest side of 336 (never enlarged), and resizes from it like a decode does", async () => {
    const files = [await photo("landscape.jpg", 1024, 768), await photo("portrait.jpg", 600, 900), await photo("small.jpg", 200, 160)];
    const cache = join(dir, "set.rgb");
    expect(pixelCacheReady(cache, 3)).toBe(false);
    await buildPixelCache(cache, files);
    expect(pixelCacheReady(cache, 3)).toBe(true);
    expect(pixelCacheReady(cache, 4)).toBe(false);
    // 448×336, 336×504 and the small image as it is.
    expect(statSync(cache).size).toBe((448 * 336 + 336 * 504 + 200 * 160) * 3);

    const reader = new PixelCacheReader(cache);
    for (const resize of ["center-crop", "squash", "pad"] as const) {
      for (const size of [224, [192, 160]] as const) {
        const manifest = modelManifestSchema.parse({ input: "x", output: "y", size, resize });
        for (const [i, file] of files.entries()) {
          const cached = await reader.pixels(i, manifest);
          const direct = await decodeToPixels(file, manifest);
          expect(cached.length).toBe(direct.length);
          // Two resamplings instead of one: the same picture within a few levels on average.
          let difference = 0;
          for (let p = 0; p < cached.length; p++) difference += Math.abs(cached[p]! - direct[p]!);
          expect(difference / cached.length, `${file} ${resize} ${JSON.stringify(size)}`).toBeLessThan(4);
        }
      }
    }
    reader.close();
    expect(PIXEL_CACHE_SIDE).toBe(336);
  });

  it("names the image that cannot be decoded and leaves no cache behind", async () => {
    const broken = join(dir, "broken.jpg");
    writeFileSync(broken, Buffer.from("not a jpeg"));
    const cache = join(dir, "broken.rgb");
    await expect(buildPixelCache(cache, [await photo("fine.jpg", 400, 300), broken])).rejects.toThrow(/^image 2 could not be decoded: /);
    expect(pixelCacheReady(cache, 2)).toBe(false);
  });
});
