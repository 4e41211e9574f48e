import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { createFaceIdentity, GALLERY_STYLES, renderFace, type RenderStyle } from "../../lib/demo/synthetic-faces";

const STYLES: RenderStyle[] = ["photo", ...GALLERY_STYLES];

describe("createFaceIdentity", () => {
  it("draws the same person from the same seed and another from another seed", () => {
    expect(createFaceIdentity("test/identity/1")).toEqual(createFaceIdentity("test/identity/1"));
    expect(createFaceIdentity("test/identity/1")).not.toEqual(createFaceIdentity("test/identity/2"));
  });
});

describe("renderFace", () => {
  const identity = createFaceIdentity("test/identity/1");

  it.each(STYLES)("renders byte-identical %s images from the same seed", async (style) => {
    const first = await renderFace(identity, style, "test/render/1");
    const again = await renderFace(createFaceIdentity("test/identity/1"), style, "test/render/1");
    expect(again.equals(first)).toBe(true);
  });

  it.each(STYLES)("renders a different %s image from a different seed or person", async (style) => {
    const first = await renderFace(identity, style, "test/render/1");
    expect((await renderFace(identity, style, "test/render/2")).equals(first)).toBe(false);
    expect((await renderFace(createFaceIdentity("test/identity/2"), style, "test/render/1")).equals(first)).toBe(false);
  });

  it.each(STYLES)("writes a %s JPEG of the requested size", async (style) => {
    const metadata = await sharp(await renderFace(identity, style, "test/render/1", { size: 96 })).metadata();
    expect(metadata).toMatchObject({ format: "jpeg", width: 96, height: 96, channels: 3 });
  });

  it("renders the same bytes however many images are rendered at once", async () => {
    const seeds = Array.from({ length: 8 }, (_, i) => `test/concurrent/${i}`);
    const oneByOne: Buffer[] = [];
    for (const seed of seeds) oneByOne.push(await renderFace(identity, "painting", seed));
    const together = await Promise.all(seeds.map((seed) => renderFace(identity, "painting", seed)));
    expect(together.every((bytes, i) => bytes.equals(oneByOne[i]!))).toBe(true);
  });

  it("keeps the sketch grey and the photo in colour", async () => {
    const channelSpread = async (bytes: Buffer) => {
      const { data } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
      let spread = 0;
      for (let i = 0; i < data.length; i += 3) spread += Math.max(data[i]!, data[i + 1]!, data[i + 2]!) - Math.min(data[i]!, data[i + 1]!, data[i + 2]!);
      return spread / (data.length / 3);
    };
    expect(await channelSpread(await renderFace(identity, "sketch", "test/render/1"))).toBeLessThan(3);
    expect(await channelSpread(await renderFace(identity, "photo", "test/render/1"))).toBeGreaterThan(10);
  });
});
