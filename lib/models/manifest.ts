import { z } from "zod";

/**
 * How the worker feeds images to a participant's encoder and compares its embeddings. Validated at every edge
 * (upload form, API, CLI `--manifest`, the model's `metadata_props`); the worker trusts a parsed manifest.
 */
const triple = z.tuple([z.number().finite(), z.number().finite(), z.number().finite()]);

export const modelManifestSchema = z
  .object({
    /** Graph input that receives the image batch. */
    input: z.string().min(1).max(256),
    /** Graph output holding one embedding per image. */
    output: z.string().min(1).max(256),
    /** Square or [height, width] input size in pixels. */
    size: z.union([z.number().int().min(8).max(1024), z.tuple([z.number().int().min(8).max(1024), z.number().int().min(8).max(1024)])]),
    layout: z.enum(["NCHW", "NHWC"]).default("NCHW"),
    channelOrder: z.enum(["RGB", "BGR"]).default("RGB"),
    /** Pixel bytes (0..255) are multiplied by scale, then (x - mean) / std per channel, in channelOrder. */
    scale: z.number().finite().positive().default(1 / 255),
    mean: triple.default([0, 0, 0]),
    std: triple.refine((values) => values.every((value) => value !== 0), "std values must be non-zero").default([1, 1, 1]),
    /** center-crop: shortest side to size then crop the centre; squash: stretch; pad: fit inside, pad with black. */
    resize: z.enum(["center-crop", "squash", "pad"]).default("center-crop"),
    similarity: z.enum(["cosine", "dot"]).default("cosine"),
    batchSize: z.number().int().min(1).max(256).default(16),
    // Read from the model by its check, never taken from a team (lib/models/model-io.ts): what its input takes,
    // what its output holds, and its batch size when the export fixed one.
    inputType: z.enum(["float32", "float16", "uint8"]).default("float32"),
    outputType: z.enum(["float32", "float16"]).default("float32"),
    fixedBatch: z.number().int().min(1).max(1024).nullable().default(null),
  })
  .strict();

export type ModelManifest = z.infer<typeof modelManifestSchema>;
export type ModelManifestInput = z.input<typeof modelManifestSchema>;

/** [height, width] of the model's input. */
export function inputSize(manifest: ModelManifest): [number, number] {
  return typeof manifest.size === "number" ? [manifest.size, manifest.size] : manifest.size;
}

/** How an image is brought to the model's input size (sharp's resize), from the files or from cached pixels alike. */
export function inputResize(manifest: ModelManifest): { width: number; height: number; options: { fit: "cover" | "fill" | "contain"; position: "centre"; background: { r: 0; g: 0; b: 0 } } } {
  const [height, width] = inputSize(manifest);
  const fit = manifest.resize === "center-crop" ? "cover" : manifest.resize === "squash" ? "fill" : "contain";
  return { width, height, options: { fit, position: "centre", background: { r: 0, g: 0, b: 0 } } };
}

/**
 * What decides the preprocessed tensors: two models with the same signature share the worker's cache of decoded
 * query and gallery tensors.
 */
export function preprocessingSignature(manifest: ModelManifest): string {
  const [height, width] = inputSize(manifest);
  const { scale, mean, std } = pixelNormalisation(manifest);
  return [`${height}x${width}`, manifest.layout, manifest.channelOrder, manifest.resize, scale, mean.join(","), std.join(",")].join("|");
}

/**
 * How pixel bytes become input values: the manifest's scale, mean and std — except for a uint8 input, whose graph
 * does its own preprocessing and is fed the resized bytes as they are.
 */
export function pixelNormalisation(manifest: ModelManifest): { scale: number; mean: readonly number[]; std: readonly number[] } {
  return manifest.inputType === "uint8" ? { scale: 1, mean: [0, 0, 0], std: [1, 1, 1] } : manifest;
}
