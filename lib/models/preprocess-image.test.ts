import { describe, expect, it } from "vitest";
import { modelManifestSchema } from "./manifest";
import { pixelsToTensor, tensorDims } from "./preprocess-image";

// The packing loop is written for speed (words of four pixels where aligned); this holds it to the plain definition,
// on the word path (8 × 11: a plane of 88 pixels), the byte path (9 × 11), and bytes that do not start on a word.
describe.each([
  { height: 8, width: 11, offset: 0 },
  { height: 9, width: 11, offset: 0 },
  { height: 8, width: 11, offset: 1 },
])("pixelsToTensor $height × $width, bytes at offset $offset", ({ height, width, offset }) => {
  const count = 2;
  const pixels = Uint8Array.from({ length: count * height * width * 3 + offset }, (_, i) => ((i - offset) * 37 + 11) % 256).subarray(offset);
  for (const layout of ["NCHW", "NHWC"] as const) {
    for (const channelOrder of ["RGB", "BGR"] as const) {
      it(`packs ${layout} ${channelOrder}`, () => {
        const manifest = modelManifestSchema.parse({ input: "x", output: "y", size: [height, width], layout, channelOrder, scale: 1 / 255, mean: [0.1, 0.2, 0.3], std: [0.5, 0.25, 0.125] });
        const tensor = pixelsToTensor(pixels, count, manifest);
        expect(tensor.length).toBe(tensorDims(count, manifest).reduce((a, b) => a * b, 1));
        for (let n = 0; n < count; n++)
          for (let y = 0; y < height; y++)
            for (let x = 0; x < width; x++)
              for (let c = 0; c < 3; c++) {
                const rgb = channelOrder === "RGB" ? c : 2 - c;
                const byte = pixels[((n * height + y) * width + x) * 3 + rgb]!;
                const expected = Math.fround((byte * manifest.scale - manifest.mean[c]!) / manifest.std[c]!);
                const at = layout === "NCHW" ? ((n * 3 + c) * height + y) * width + x : ((n * height + y) * width + x) * 3 + c;
                expect(tensor[at]).toBe(expected);
              }
      });
    }
  }
});
