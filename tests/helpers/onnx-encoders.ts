import sharp from "sharp";
import { attr, buildModel, floatTensor, int64Tensor, node, valueInfo, type ModelSpec } from "../../lib/models/onnx-graph";
import type { ModelManifestInput } from "../../lib/models/manifest";
import type { FixtureEntry } from "./archives";

// ONNX encoders the tests build, from the closed-form to the poisoned, and a dataset of solid-colour images whose
// ranking under the mean-colour encoder is known exactly.

export const ENCODER_SIZE = 16;
const imageInput = (name = "image") => valueInfo(name, "float", ["N", 3, ENCODER_SIZE, ENCODER_SIZE]);

export const meanColourManifest: ModelManifestInput = { input: "image", output: "embedding", size: ENCODER_SIZE, layout: "NCHW", scale: 1 / 255, resize: "squash", similarity: "cosine", batchSize: 4 };

/** embedding = the image's mean colour (R, G, B) in [0, 1]: cosine ranking in closed form. */
export function meanColourEncoder(extra: Partial<ModelSpec> = {}): Uint8Array {
  return buildModel({
    nodes: [node("GlobalAveragePool", ["image"], ["pooled"]), node("Flatten", ["pooled"], ["embedding"], { axis: attr.int(1) })],
    inputs: [imageInput()],
    outputs: [valueInfo("embedding", "float", ["N", 3])],
    ...extra,
  });
}

/** The forms real exports take (torch.onnx.export without dynamic axes, .half(), preprocessing in the graph …). */
export type ExportedForm = "fixed-batch-1" | "fixed-batch-16" | "float16" | "uint8-nhwc" | "n-1-d";

/**
 * The mean-colour encoder as each exported form: same embedding (up to float16 rounding and a positive scale, which
 * cosine ranking ignores), so each must score exactly like the float32 original.
 */
export function exportedFormEncoder(form: ExportedForm): { model: Uint8Array; manifest: ModelManifestInput } {
  const pool = (from: string) => [node("GlobalAveragePool", [from], ["pooled"]), node("Flatten", ["pooled"], ["flat"], { axis: attr.int(1) })];
  switch (form) {
    case "fixed-batch-1":
    case "fixed-batch-16": {
      const batch = form === "fixed-batch-1" ? 1 : 16;
      const model = buildModel({
        nodes: [node("GlobalAveragePool", ["image"], ["pooled"]), node("Flatten", ["pooled"], ["embedding"], { axis: attr.int(1) })],
        inputs: [valueInfo("image", "float", [batch, 3, ENCODER_SIZE, ENCODER_SIZE])],
        outputs: [valueInfo("embedding", "float", [batch, 3])],
      });
      // The manifest's batchSize (4) is not the model's: the worker follows the model.
      return { model, manifest: meanColourManifest };
    }
    case "float16":
      return {
        model: buildModel({
          nodes: [node("Cast", ["image"], ["image32"], { to: attr.int(1) }), ...pool("image32"), node("Cast", ["flat"], ["embedding"], { to: attr.int(10) })],
          inputs: [valueInfo("image", "float16", ["N", 3, ENCODER_SIZE, ENCODER_SIZE])],
          outputs: [valueInfo("embedding", "float16", ["N", 3])],
        }),
        manifest: meanColourManifest,
      };
    case "uint8-nhwc":
      // Bytes in, NHWC; the graph scales and transposes them itself, so the manifest's normalisation is not applied.
      return {
        model: buildModel({
          nodes: [node("Cast", ["pixels"], ["float_pixels"], { to: attr.int(1) }), node("Transpose", ["float_pixels"], ["nchw"], { perm: attr.ints([0, 3, 1, 2]) }), node("Mul", ["nchw", "to_unit"], ["image"]), node("GlobalAveragePool", ["image"], ["pooled"]), node("Flatten", ["pooled"], ["embedding"], { axis: attr.int(1) })],
          inputs: [valueInfo("pixels", "uint8", ["N", ENCODER_SIZE, ENCODER_SIZE, 3])],
          outputs: [valueInfo("embedding", "float", ["N", 3])],
          initializers: [floatTensor("to_unit", [], [1 / 255])],
        }),
        manifest: { ...meanColourManifest, input: "pixels", layout: "NHWC", mean: [0.5, 0.5, 0.5], std: [0.2, 0.2, 0.2] },
      };
    case "n-1-d":
      return {
        model: buildModel({
          nodes: [...pool("image"), node("Unsqueeze", ["flat", "axis_one"], ["embedding"])],
          inputs: [imageInput()],
          outputs: [valueInfo("embedding", "float", ["N", 1, 3])],
          initializers: [int64Tensor("axis_one", [1], [1])],
        }),
        manifest: meanColourManifest,
      };
  }
}

/**
 * The mean-colour encoder × a per-channel scale of 2 whose weights live in an external data file, as
 * `torch.onnx.export(…, external_data=True)` or onnx's `save_model(…, save_as_external_data=True)` write them
 * (cosine ranking ignores the scale, so it scores like the mean-colour encoder). `padding` bytes before the weights
 * make the data file larger, as real ones are.
 */
export function externalDataEncoder(options: { location?: string; offset?: number; padding?: number; metadata?: Record<string, string> } = {}): { model: Uint8Array; data: Buffer } {
  const offset = options.offset ?? options.padding ?? 0;
  const weights = Buffer.from(new Float32Array([2, 2, 2]).buffer);
  const data = Buffer.concat([Buffer.alloc(options.padding ?? 0), weights]);
  const model = buildModel({
    nodes: [node("GlobalAveragePool", ["image"], ["pooled"]), node("Flatten", ["pooled"], ["flat"], { axis: attr.int(1) }), node("Mul", ["flat", "scale"], ["embedding"])],
    inputs: [imageInput()],
    outputs: [valueInfo("embedding", "float", ["N", 3])],
    initializers: [
      {
        name: "scale",
        dims: [3],
        dataType: 1,
        dataLocation: 1,
        externalData: [
          { key: "location", value: options.location ?? "model.onnx.data" },
          { key: "offset", value: String(offset) },
          { key: "length", value: "12" },
        ],
      },
    ],
    metadata: options.metadata,
  });
  return { model, data };
}

/** The mean-colour encoder followed by `rounds` 256×256 MatMul+Tanh layers: slow enough to be caught mid-job. */
export function slowEncoder(rounds: number): Uint8Array {
  const lift = Array.from({ length: 3 * 256 }, (_, i) => Math.sin(i + 1));
  const square = Array.from({ length: 256 * 256 }, (_, i) => Math.cos(i) / 16);
  const nodes = [node("GlobalAveragePool", ["image"], ["pooled"]), node("Flatten", ["pooled"], ["flat"], { axis: attr.int(1) }), node("MatMul", ["flat", "lift"], ["h0"])];
  for (let i = 0; i < rounds; i++) nodes.push(node("MatMul", [`h${i}`, "square"], [`m${i}`]), node("Tanh", [`m${i}`], [`h${i + 1}`]));
  nodes.push(node("Concat", ["flat", `h${rounds}`], ["embedding"], { axis: attr.int(1) }));
  return buildModel({ nodes, inputs: [imageInput()], outputs: [valueInfo("embedding", "float", ["N", 3 + 256])], initializers: [floatTensor("lift", [3, 256], lift), floatTensor("square", [256, 256], square)] });
}

/** sqrt(threshold − mean brightness): finite on the dry run's mid-grey images, NaN on bright ones. */
export function nanOnBrightEncoder(threshold = 0.7): Uint8Array {
  return buildModel({
    nodes: [
      node("GlobalAveragePool", ["image"], ["pooled"]),
      node("Flatten", ["pooled"], ["flat"], { axis: attr.int(1) }),
      node("ReduceMean", ["flat"], ["brightness"], { axes: attr.ints([1]), keepdims: attr.int(1) }),
      node("Sub", ["threshold", "brightness"], ["margin"]),
      node("Sqrt", ["margin"], ["root"]),
      node("Mul", ["flat", "root"], ["embedding"]),
    ],
    inputs: [imageInput()],
    outputs: [valueInfo("embedding", "float", ["N", 3])],
    initializers: [floatTensor("threshold", [1], [threshold])],
    opset: 17,
  });
}

/** Always NaN: 0/0. */
export function nanEncoder(): Uint8Array {
  return buildModel({
    nodes: [node("GlobalAveragePool", ["image"], ["pooled"]), node("Flatten", ["pooled"], ["flat"], { axis: attr.int(1) }), node("Sub", ["flat", "flat"], ["zero"]), node("Div", ["zero", "zero"], ["embedding"])],
    inputs: [imageInput()],
    outputs: [valueInfo("embedding", "float", ["N", 3])],
  });
}

/** A Loop body that keeps its condition and adds `step` to an [N, 3] accumulator each iteration. */
function accumulatingLoopBody(name: string, step: number) {
  const boolScalar = (tensor: string) => ({ name: tensor, type: { tensorType: { elemType: 9, shape: { dim: [] } } } });
  return {
    name,
    node: [node("Identity", ["cond_in"], ["cond_out"]), node("Add", ["acc_in", "step"], ["acc_out"])],
    input: [valueInfo("iteration", "int64", []), boolScalar("cond_in"), valueInfo("acc_in", "float", ["N", 3])],
    output: [boolScalar("cond_out"), valueInfo("acc_out", "float", ["N", 3])],
    initializer: [floatTensor("step", [1], [step])],
  };
}

/** A Loop whose condition never turns false and whose trip count is unbounded. */
export function endlessLoopEncoder(): Uint8Array {
  const body = accumulatingLoopBody("forever", 1);
  return buildModel({
    nodes: [
      node("GlobalAveragePool", ["image"], ["pooled"]),
      node("Flatten", ["pooled"], ["flat"], { axis: attr.int(1) }),
      node("Loop", ["", "always", "flat"], ["embedding"], { body: attr.graph(body) }),
    ],
    inputs: [imageInput()],
    outputs: [valueInfo("embedding", "float", ["N", 3])],
    initializers: [{ name: "always", dims: [], dataType: 9, rawData: new Uint8Array([1]) }],
  });
}

/** An operator from a custom domain (would need participant code to run). */
export function customOperatorEncoder(): Uint8Array {
  return buildModel({
    nodes: [node("GlobalAveragePool", ["image"], ["pooled"]), node("FancyEmbed", ["pooled"], ["embedding"], {}, "com.example.custom")],
    inputs: [imageInput()],
    outputs: [valueInfo("embedding", "float", ["N", 3])],
    extraOpsets: [{ domain: "com.example.custom", version: 1 }],
  });
}

/** Tiles every image to [N, 3, 4096, 4096] floats (≈200 MB each) before pooling: a memory hog. */
export function memoryHogEncoder(): Uint8Array {
  return buildModel({
    nodes: [
      node("Tile", ["image", "repeats"], ["big"]),
      node("Sqrt", ["big"], ["big_root"]),
      node("GlobalAveragePool", ["big_root"], ["pooled"]),
      node("Flatten", ["pooled"], ["embedding"], { axis: attr.int(1) }),
    ],
    inputs: [valueInfo("image", "float", ["N", 3, ENCODER_SIZE, ENCODER_SIZE])],
    outputs: [valueInfo("embedding", "float", ["N", 3])],
    initializers: [int64Tensor("repeats", [4], [1, 1, 256, 256])],
  });
}

/** A seeded generator (xorshift) so the colour dataset is the same in every run. */
function seeded(seed: number) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

async function solidPng(rgb: [number, number, number]): Promise<Buffer> {
  return sharp({ create: { width: 20, height: 20, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).png().toBuffer();
}

const cosine = (a: number[], b: number[]) => {
  const dot = a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
  return dot / Math.hypot(...a) / Math.hypot(...b);
};

/**
 * Solid-colour queries and gallery. Under the mean-colour encoder, query i's true match sits at rank ranks[i] of its
 * cosine ranking (no near-tie next to it), so the score is known before the model runs.
 */
export async function colourDataset(options: { ranks: number[]; gallery?: number; seed?: number; bright?: boolean }) {
  const galleryCount = options.gallery ?? 30;
  for (let seed = options.seed ?? 7; ; seed++) {
    const random = seeded(seed);
    const colour = (): [number, number, number] => {
      const low = options.bright ? 190 : 20;
      return [0, 0, 0].map(() => low + Math.floor(random() * (250 - low))) as [number, number, number];
    };
    const galleryColours = Array.from({ length: galleryCount }, colour);
    const queryColours = options.ranks.map(colour);
    const truth: Record<string, string[]> = {};
    const used = new Set<number>();
    let ok = true;
    queryColours.forEach((query, i) => {
      const order = galleryColours.map((item, g) => ({ g, similarity: cosine(query, item) })).sort((a, b) => b.similarity - a.similarity);
      // Only the match's neighbours matter: its rank must not depend on float rounding.
      const at = options.ranks[i]! - 1;
      if (at > 0 && order[at - 1]!.similarity - order[at]!.similarity < 1e-4) ok = false;
      if (at + 1 < order.length && order[at]!.similarity - order[at + 1]!.similarity < 1e-4) ok = false;
      const pick = order[at]!.g;
      if (used.has(pick)) ok = false;
      used.add(pick);
      truth[`q${i}.png`] = [`g${String(pick).padStart(2, "0")}.png`];
    });
    if (!ok) continue;
    const entries: FixtureEntry[] = [];
    for (const [i, rgb] of queryColours.entries()) entries.push({ name: `query/q${i}.png`, data: await solidPng(rgb) });
    for (const [g, rgb] of galleryColours.entries()) entries.push({ name: `gallery/g${String(g).padStart(2, "0")}.png`, data: await solidPng(rgb) });
    entries.push({ name: "ground_truth.json", data: JSON.stringify(truth) });
    return { entries, truth };
  }
}

/** The weighted top-k score when each query's match is at ranks[i] (beyond 10: a miss). */
export function expectedScore(ranks: number[]): number {
  const perQuery = ranks.map((rank) => (rank === 1 ? 600 : 0) + (rank <= 5 ? 300 : 0) + (rank <= 10 ? 100 : 0));
  return perQuery.reduce((sum, value) => sum + value, 0) / ranks.length;
}

/**
 * Reshapes the mean colour to [N, 3 + max(0, brightest pixel value − 240)]: the dry run's images (brightest 239) give
 * [N, 3]; an image with a channel above 240 makes onnxruntime print a shape computed from its pixels.
 */
export function shapeFromPixelsEncoder(): Uint8Array {
  return buildModel({
    nodes: [
      node("GlobalAveragePool", ["image"], ["pooled"]),
      node("Flatten", ["pooled"], ["flat"], { axis: attr.int(1) }),
      node("ReduceMax", ["image"], ["peak"], { keepdims: attr.int(0) }),
      node("Mul", ["peak", "full_scale"], ["peak_value"]),
      node("Sub", ["peak_value", "threshold"], ["over"]),
      node("Relu", ["over"], ["excess"]),
      node("Cast", ["excess"], ["excess_int"], { to: attr.int(7) }),
      node("Reshape", ["excess_int", "one_dim"], ["excess_1d"]),
      node("Add", ["excess_1d", "three"], ["width"]),
      node("Shape", ["flat"], ["flat_shape"]),
      node("Slice", ["flat_shape", "zero_1d", "one_1d"], ["rows"]),
      node("Concat", ["rows", "width"], ["target"], { axis: attr.int(0) }),
      node("Reshape", ["flat", "target"], ["embedding"]),
    ],
    inputs: [imageInput()],
    outputs: [valueInfo("embedding", "float", ["N", "D"])],
    initializers: [
      floatTensor("full_scale", [], [255]),
      floatTensor("threshold", [], [240]),
      int64Tensor("one_dim", [1], [1]),
      int64Tensor("three", [1], [3]),
      int64Tensor("zero_1d", [1], [0]),
      int64Tensor("one_1d", [1], [1]),
    ],
  });
}

/**
 * The mean colour after a Loop of (batch brightness − 0.6) × 10⁸ iterations: none on the dry run's mid-grey images,
 * practically endless on bright ones — fast at upload, hung on the hidden data.
 */
export function slowOnBrightEncoder(): Uint8Array {
  const body = accumulatingLoopBody("spin", 0);
  return buildModel({
    nodes: [
      node("GlobalAveragePool", ["image"], ["pooled"]),
      node("Flatten", ["pooled"], ["flat"], { axis: attr.int(1) }),
      node("ReduceMean", ["image"], ["brightness"], { keepdims: attr.int(0) }),
      node("Sub", ["brightness", "threshold"], ["over"]),
      node("Relu", ["over"], ["excess"]),
      node("Mul", ["excess", "spins_per_unit"], ["spins"]),
      node("Cast", ["spins"], ["trip_count"], { to: attr.int(7) }),
      node("Loop", ["trip_count", "always", "flat"], ["embedding"], { body: attr.graph(body) }),
    ],
    inputs: [imageInput()],
    outputs: [valueInfo("embedding", "float", ["N", 3])],
    initializers: [floatTensor("threshold", [], [0.6]), floatTensor("spins_per_unit", [], [1e8]), { name: "always", dims: [], dataType: 9, rawData: new Uint8Array([1]) }],
  });
}

/**
 * Solid-colour images with the given colours: query i matches gallery image i. For attacks that depend on which
 * images are bright, not on the score.
 */
export async function solidColourDataset(queries: [number, number, number][], gallery: [number, number, number][]) {
  const entries: FixtureEntry[] = [];
  const truth: Record<string, string[]> = {};
  for (const [i, rgb] of queries.entries()) {
    entries.push({ name: `query/q${i}.png`, data: await solidPng(rgb) });
    truth[`q${i}.png`] = [`g${String(i).padStart(2, "0")}.png`];
  }
  for (const [g, rgb] of gallery.entries()) entries.push({ name: `gallery/g${String(g).padStart(2, "0")}.png`, data: await solidPng(rgb) });
  entries.push({ name: "ground_truth.json", data: JSON.stringify(truth) });
  return { entries, truth };
}
