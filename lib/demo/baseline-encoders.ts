import { modelManifestSchema, type ModelManifest } from "../models/manifest";
import { attr, buildModel, floatTensor, int64Tensor, node, valueInfo } from "../models/onnx-graph";

// The demo contest's baseline models: image encoders written as plain ONNX graphs (standard operators, no training),
// each with the manifest Podium's worker needs to feed it (also stored in the model's metadata_props, so the .onnx
// file alone is a valid entry). They are honest but weak, so the demo leaderboard has a spread of scores between
// the random floor and a perfect 1000.

export type BaselineName = "tiny-pixels" | "chroma-grid" | "colour-histogram-grid";

export interface BaselineEncoder {
  name: BaselineName;
  description: string;
  manifest: ModelManifest;
  /** Length of one embedding. */
  dimensions: number;
  /** The serialized ONNX model. */
  model: Uint8Array;
}

const INPUT = "image";
const OUTPUT = "embedding";
/** Keeps divisions by a black pixel's brightness finite. */
const EPSILON = 1e-3;

function manifestFor(size: number): ModelManifest {
  return modelManifestSchema.parse({ input: INPUT, output: OUTPUT, size, layout: "NCHW", channelOrder: "RGB", scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1], resize: "squash", similarity: "cosine", batchSize: 32 });
}

type Attributes = Parameters<typeof node>[3];

/** Collects an encoder's nodes and initializers; every value gets a fresh name, so graphs read as expressions. */
class EncoderGraph {
  readonly nodes: ReturnType<typeof node>[] = [];
  readonly initializers: ReturnType<typeof floatTensor>[] = [];
  private count = 0;

  private fresh(base: string): string {
    return `${base}_${this.count++}`;
  }

  /** Adds `opType(inputs)`; returns the name of its one output. */
  node(opType: string, inputs: string[], attributes: Attributes = {}, output = this.fresh(opType.toLowerCase())): string {
    this.nodes.push(node(opType, inputs, [output], attributes));
    return output;
  }

  floats(name: string, dims: number[], values: ArrayLike<number>): string {
    const count = dims.reduce((product, dim) => product * dim, 1);
    if (values.length !== count) throw new RangeError(`initializer ${name}: ${values.length} values for shape [${dims.join(", ")}]`);
    const unique = this.fresh(name);
    this.initializers.push(floatTensor(unique, dims, values));
    return unique;
  }

  int64s(name: string, values: number[]): string {
    const unique = this.fresh(name);
    this.initializers.push(int64Tensor(unique, [values.length], values));
    return unique;
  }
}

function finish(graph: EncoderGraph, name: BaselineName, description: string, size: number, last: string, dimensions: number): BaselineEncoder {
  graph.node("Flatten", [last], { axis: attr.int(1) }, OUTPUT);
  const manifest = manifestFor(size);
  const model = buildModel({
    name,
    nodes: graph.nodes,
    initializers: graph.initializers,
    inputs: [valueInfo(INPUT, "float", ["N", 3, size, size])],
    outputs: [valueInfo(OUTPUT, "float", ["N", dimensions])],
    producer: "podium-demo",
    metadata: { "podium.manifest": JSON.stringify(manifest), description },
  });
  return { name, description, manifest, dimensions, model };
}

/** Per pixel R + G + B, as a one-channel image (a 1×1 convolution with ones). */
function channelSum(graph: EncoderGraph, image: string, channels: number): string {
  return graph.node("Conv", [image, graph.floats("ones", [1, channels, 1, 1], new Array<number>(channels).fill(1))]);
}

/**
 * Where the face is: the demo's pictures, like the contest's, are face crops with the head in the middle. The
 * baselines look only at this region of their input (rows, then columns, as fractions of the side).
 */
const FACE_REGION = { top: 2 / 15, bottom: 4 / 5, left: 1 / 6, right: 5 / 6 };

/**
 * Weights of a 4×4 grid of cells over the face region, row by row: the middle cells hold the face, the corners
 * mostly background — which changes from picture to picture and says nothing about the person.
 */
const CELL_WEIGHTS_4X4 = [0.3, 0.8, 0.8, 0.3, 0.6, 1, 1, 0.6, 0.6, 1, 1, 0.6, 0.2, 0.6, 0.6, 0.2];

/** The face region of an image `side` pixels square (a Slice over height and width). */
function cropToFace(graph: EncoderGraph, image: string, side: number): { cropped: string; height: number; width: number } {
  const [top, bottom, left, right] = [FACE_REGION.top, FACE_REGION.bottom, FACE_REGION.left, FACE_REGION.right].map((fraction) => Math.round(fraction * side)) as [number, number, number, number];
  const cropped = graph.node("Slice", [image, graph.int64s("crop_starts", [top, left]), graph.int64s("crop_ends", [bottom, right]), graph.int64s("crop_axes", [2, 3])]);
  return { cropped, height: bottom - top, width: right - left };
}

const GRID = 4;

/** Averages `image` (a square `side` pixels wide) over a `grid`×`grid` grid of cells. */
function poolCells(graph: EncoderGraph, image: string, side: number, grid = GRID): string {
  if (side % grid !== 0) throw new RangeError(`a ${side}-pixel region does not split into ${grid} cells`);
  const cell = side / grid;
  return graph.node("AveragePool", [image], { kernel_shape: attr.ints([cell, cell]), strides: attr.ints([cell, cell]) });
}

function weightCells(graph: EncoderGraph, cells: string): string {
  return graph.node("Mul", [cells, graph.floats("cell_weights", [1, 1, GRID, GRID], CELL_WEIGHTS_4X4)]);
}

/**
 * The weakest baseline: the face region shrunk to 8×8 grey pixels, minus their mean. It sees the silhouette and
 * little else, and a photo's lighting or a sketch's white paper moves it a long way.
 */
export function buildTinyPixelsEncoder(): BaselineEncoder {
  const size = 48;
  const grid = 8;
  const graph = new EncoderGraph();
  const face = cropToFace(graph, INPUT, size);
  const grey = graph.node("Conv", [poolCells(graph, face.cropped, face.height, grid), graph.floats("luma", [1, 3, 1, 1], [0.299, 0.587, 0.114])]);
  const mean = graph.node("ReduceMean", [grey], { axes: attr.ints([2, 3]), keepdims: attr.int(1) });
  const centred = graph.node("Sub", [grey, mean]);
  return finish(graph, "tiny-pixels", "8×8 grey thumbnail of the face minus its mean brightness", size, centred, grid * grid);
}

/**
 * Colour layout without brightness: the average colour of each cell of a 4×4 grid over the face as chromaticity
 * (R, G, B) / (R + G + B), centred on grey. Exposure changes cancel out; hair and skin colours remain.
 */
export function buildChromaGridEncoder(): BaselineEncoder {
  const size = 60;
  const graph = new EncoderGraph();
  const face = cropToFace(graph, INPUT, size);
  const brightness = graph.node("Add", [channelSum(graph, face.cropped, 3), graph.floats("epsilon", [1], [EPSILON])]);
  const chroma = graph.node("Sub", [graph.node("Div", [face.cropped, brightness]), graph.floats("grey", [1], [1 / 3])]);
  // Averaging chromaticities (not colours) keeps dark hair pixels as heavy as bright skin.
  const cells = weightCells(graph, poolCells(graph, chroma, face.height));
  return finish(graph, "chroma-grid", "4×4 grid of average chromaticities over the face (brightness removed)", size, cells, 3 * GRID * GRID);
}

/** Colour prototypes of the soft histogram: a lattice of chromaticities (r, g) at four brightness levels. */
function histogramPrototypes(): [number, number, number][] {
  const prototypes: [number, number, number][] = [];
  for (let i = 0; i <= 8; i++) {
    for (let j = 0; j <= 6; j++) {
      const r = 0.2 + 0.05 * i;
      const g = 0.22 + 0.04 * j;
      if (1 - r - g < 0.04) continue;
      for (const intensity of [0.1, 0.35, 0.6, 0.85]) prototypes.push([r, g, intensity]);
    }
  }
  return prototypes;
}

/**
 * The strongest baseline: a soft colour histogram per cell of a 4×4 grid over the face. Each pixel is described by
 * its chromaticity (r, g) and brightness, shared among colour prototypes by a Gaussian kernel (exp(−d²/2), d
 * measured in bandwidths); the memberships are averaged per cell, square-rooted (Hellinger, so cosine similarity
 * compares distributions) and weighted towards the middle of the face. Skin and hair colours survive the cartoon
 * and painting styles; the sketches defeat it.
 */
export function buildColourHistogramGridEncoder(): BaselineEncoder {
  const size = 60;
  const bandwidth = [0.035, 0.035, 0.18];
  const prototypes = histogramPrototypes();
  const bins = prototypes.length;
  const graph = new EncoderGraph();

  const face = cropToFace(graph, INPUT, size);
  // Halving the resolution first averages away sensor noise and makes the rest four times cheaper.
  const smoothed = graph.node("AveragePool", [face.cropped], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) });
  const sum = channelSum(graph, smoothed, 3);
  const chroma = graph.node("Div", [smoothed, graph.node("Add", [sum, graph.floats("epsilon", [1], [EPSILON])])]);
  // Features (r, g, brightness): the first two chromaticity channels (b = 1 − r − g adds nothing) and the mean.
  const redGreen = graph.node("Conv", [chroma, graph.floats("pick_rg", [2, 3, 1, 1], [1, 0, 0, 0, 1, 0])]);
  const brightness = graph.node("Mul", [sum, graph.floats("third", [1], [1 / 3])]);
  const features = graph.node("Concat", [redGreen, brightness], { axis: attr.int(1) });
  const scaled = graph.node("Mul", [features, graph.floats("inverse_bandwidth", [1, 3, 1, 1], bandwidth.map((b) => 1 / b))]);

  // Squared distance to every prototype as two 1×1 convolutions: |f|² − 2 f·p + |p|².
  const scaledPrototypes = prototypes.map((prototype) => prototype.map((value, i) => value / bandwidth[i]!));
  const crossWeights = scaledPrototypes.flatMap((prototype) => prototype.map((value) => -2 * value));
  const prototypeNorms = scaledPrototypes.map((prototype) => prototype.reduce((total, value) => total + value * value, 0));
  const cross = graph.node("Conv", [scaled, graph.floats("prototypes", [bins, 3, 1, 1], crossWeights), graph.floats("prototype_norms", [bins], prototypeNorms)]);
  const featureNorm = channelSum(graph, graph.node("Mul", [scaled, scaled]), 3);
  const squaredDistance = graph.node("Add", [cross, featureNorm]);
  const membership = graph.node("Exp", [graph.node("Mul", [squaredDistance, graph.floats("minus_half", [1], [-0.5])])]);
  // Every pixel counts once, however far it is from all prototypes.
  const total = graph.node("Add", [channelSum(graph, membership, bins), graph.floats("tiny", [1], [1e-6])]);
  const shares = graph.node("Div", [membership, total]);
  const hellinger = weightCells(graph, graph.node("Sqrt", [poolCells(graph, shares, face.height / 2)]));
  return finish(graph, "colour-histogram-grid", `4×4 grid of soft colour histograms over the face, ${bins} chromaticity-brightness prototypes`, size, hellinger, bins * GRID * GRID);
}

/** Every baseline, weakest first. */
export function buildBaselineEncoders(): BaselineEncoder[] {
  return [buildTinyPixelsEncoder(), buildChromaGridEncoder(), buildColourHistogramGridEncoder()];
}
