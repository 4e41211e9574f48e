import * as ort from "onnxruntime-node";
import type { ModelManifest } from "./manifest";
import { tensorDims } from "./preprocess-image";

// Models as teams really export them: a fixed batch size (torch.onnx.export without dynamic_axes), float16 inputs
// and outputs (a .half() export), uint8 pixels with the preprocessing inside the graph, and embeddings shaped
// [N, 1, D]. The worker prepares one float32 tensor of normalised pixels per batch (cached between runs); this module
// turns it into what the model takes and its output back into float32 [rows, D].

/** Rows the model is run with at a time: its fixed batch size when it has one, else the manifest's batch size. */
export function runBatchSize(manifest: ModelManifest): number {
  return manifest.fixedBatch ?? manifest.batchSize;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 half-precision bits of a float32, rounded to nearest even (as numpy's astype(float16)). */
export function toFloat16Bits(value: number): number {
  f32[0] = value;
  const bits = u32[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0); // Inf or NaN
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00; // too large: Inf
  if (halfExponent <= 0) {
    if (halfExponent < -10) return sign; // too small: ±0
    mantissa |= 0x800000;
    const shift = 14 - halfExponent;
    let half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (halfExponent << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++; // a carry into the exponent is still the right value
  return sign | half;
}

/** The float32 value of half-precision bits. */
export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/**
 * The input tensor of a batch. `values` holds `rows` images of normalised float32 pixels (for a uint8 model the
 * normalisation is the identity, so they are the bytes 0–255); a fixed-batch model gets its batch filled with zero
 * images, whose output rows are dropped by `embeddingRows`.
 */
export function inputTensor(values: Float32Array, rows: number, manifest: ModelManifest): ort.Tensor {
  const batch = manifest.fixedBatch ?? rows;
  let floats = values;
  if (batch > rows) {
    floats = new Float32Array((values.length / rows) * batch);
    floats.set(values);
  }
  const dims = tensorDims(batch, manifest);
  switch (manifest.inputType) {
    case "float32":
      return new ort.Tensor("float32", floats, dims);
    case "float16": {
      const half = new Uint16Array(floats.length);
      for (let i = 0; i < floats.length; i++) half[i] = toFloat16Bits(floats[i]!);
      return new ort.Tensor("float16", half, dims);
    }
    case "uint8":
      return new ort.Tensor("uint8", Uint8Array.from(floats), dims);
  }
}

export type EmbeddingRows = { ok: true; data: Float32Array; dimension: number } | { ok: false; problem: string; category: "invalid-type" | "invalid-shape" };

/**
 * The first `rows` embeddings of a batch's output as float32 [rows, D]: float16 is widened, axes of size 1 after the
 * batch axis are squeezed ([N, 1, D] → [N, D]), and padded rows of a fixed-batch run are dropped.
 */
export function embeddingRows(output: ort.Tensor, rows: number, manifest: ModelManifest): EmbeddingRows {
  const name = manifest.output;
  const batch = manifest.fixedBatch ?? rows;
  if (output.type !== "float32" && output.type !== "float16") return { ok: false, problem: `output "${name}" is ${output.type}, not float32 or float16`, category: "invalid-type" };
  const dims = [output.dims[0], ...output.dims.slice(1).filter((dim) => dim !== 1)];
  // An embedding of dimension 1 squeezes to rank 1: keep it as [N, 1].
  if (dims.length === 1 && output.dims.length > 1) dims.push(1);
  if (dims.length !== 2 || dims[0] !== batch) {
    return { ok: false, problem: `output "${name}" has shape [${output.dims.join(", ")}] for a batch of ${batch}; expected [${batch}, D] (axes of size 1 after the first are squeezed)`, category: "invalid-shape" };
  }
  const dimension = dims[1]!;
  if (dimension < 1) return { ok: false, problem: `output "${name}" has an empty embedding dimension`, category: "invalid-shape" };
  const source = output.data as Float32Array | Uint16Array;
  const count = rows * dimension;
  let data: Float32Array;
  if (output.type === "float32") data = (source as Float32Array).subarray(0, count);
  else if (source instanceof Uint16Array) {
    data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = fromFloat16Bits(source[i]!);
  } else data = Float32Array.from((source as ArrayLike<number> as number[]).slice(0, count)); // a runtime with Float16Array
  return { ok: true, data, dimension };
}
