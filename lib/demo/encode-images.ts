import * as ort from "onnxruntime-node";
import sharp from "sharp";
import { inputSize, type ModelManifest } from "../models/manifest";

// A minimal, manifest-faithful encoder runner for the demo's own measurements (baseline scores, tests). The GPU
// worker (issue 5) brings Podium's real pipeline; this one only has to read the manifest the same way.

const FIT: Record<ModelManifest["resize"], "cover" | "fill" | "contain"> = { "center-crop": "cover", squash: "fill", pad: "contain" };

/** One image as the model's input: resized, scaled, normalised and laid out as the manifest says. */
export async function preprocessImage(bytes: Uint8Array, manifest: ModelManifest): Promise<Float32Array> {
  const [height, width] = inputSize(manifest);
  const { data, info } = await sharp(bytes)
    .resize(width, height, { fit: FIT[manifest.resize], position: "centre", background: { r: 0, g: 0, b: 0 } })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const pixels = width * height;
  const tensor = new Float32Array(3 * pixels);
  const order = manifest.channelOrder === "RGB" ? [0, 1, 2] : [2, 1, 0];
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < 3; c++) {
      // Grey images have one channel: every colour channel reads it.
      const byte = data[p * info.channels + Math.min(order[c]!, info.channels - 1)]!;
      const value = (byte * manifest.scale - manifest.mean[c]!) / manifest.std[c]!;
      tensor[manifest.layout === "NCHW" ? c * pixels + p : p * 3 + c] = value;
    }
  }
  return tensor;
}

/** Embeds `images` with the model in batches of the manifest's batch size; one embedding per image, in order. */
export async function embedImages(model: Uint8Array, manifest: ModelManifest, images: readonly Uint8Array[]): Promise<Float32Array[]> {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const [height, width] = inputSize(manifest);
    const shape = manifest.layout === "NCHW" ? [3, height, width] : [height, width, 3];
    const imageLength = 3 * height * width;
    const embeddings: Float32Array[] = [];
    for (let start = 0; start < images.length; start += manifest.batchSize) {
      const batch = images.slice(start, start + manifest.batchSize);
      const input = new Float32Array(batch.length * imageLength);
      const tensors = await Promise.all(batch.map((image) => preprocessImage(image, manifest)));
      tensors.forEach((tensor, i) => input.set(tensor, i * imageLength));
      const outputs = await session.run({ [manifest.input]: new ort.Tensor("float32", input, [batch.length, ...shape]) });
      const output = outputs[manifest.output];
      if (!output || output.type !== "float32") throw new Error(`the model has no float32 output "${manifest.output}"`);
      const data = output.data as Float32Array;
      const dimensions = data.length / batch.length;
      for (let i = 0; i < batch.length; i++) embeddings.push(data.slice(i * dimensions, (i + 1) * dimensions));
    }
    return embeddings;
  } finally {
    await session.release();
  }
}
