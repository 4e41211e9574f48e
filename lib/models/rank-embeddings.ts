import * as ort from "onnxruntime-node";
import { buildModel, node, valueInfo } from "./onnx-graph";

// Similarity and top-k run as an ONNX graph (MatMul → TopK) on the same execution provider as the encoder, in
// chunks: never the whole query × gallery matrix when it would exceed the memory budget. ONNX TopK puts the lower
// index first among equal values, and the gallery is in name order, so ties go to the earlier name — the same
// order the chunk merge below keeps.

export interface RankOptions {
  k: number;
  /** Bytes the similarity matrix of one chunk may take. */
  memoryBudgetBytes?: number;
  executionProviders?: string[];
  /** Called after each chunk with (done, total) chunk counts. */
  onChunk?: (done: number, total: number) => void;
}

export interface RankedNeighbours {
  /** queries × k gallery indices (−1 where the gallery has fewer than k items). */
  indices: Int32Array;
  scores: Float32Array;
  k: number;
}

/** Scales each row to unit length (cosine similarity is then a dot product); zero rows stay zero. */
export function normaliseRows(embeddings: Float32Array, dimension: number): Float32Array {
  const rows = embeddings.length / dimension;
  for (let row = 0; row < rows; row++) {
    let sum = 0;
    const base = row * dimension;
    for (let i = 0; i < dimension; i++) sum += embeddings[base + i]! * embeddings[base + i]!;
    if (sum > 0) {
      const scale = 1 / Math.sqrt(sum);
      for (let i = 0; i < dimension; i++) embeddings[base + i]! *= scale;
    }
  }
  return embeddings;
}

/** The graph: scores = queries [q, d] · galleryT [d, g]; TopK over the gallery axis. */
export function similarityTopKModel(): Uint8Array {
  return buildModel({
    name: "similarity_topk",
    opset: 17,
    nodes: [node("MatMul", ["queries", "gallery_t"], ["similarity"]), node("TopK", ["similarity", "k"], ["values", "indices"], { axis: { type: 2, i: 1 } })],
    inputs: [valueInfo("queries", "float", ["q", "d"]), valueInfo("gallery_t", "float", ["d", "g"]), valueInfo("k", "int64", [1])],
    outputs: [valueInfo("values", "float", ["q", "kk"]), valueInfo("indices", "int64", ["q", "kk"])],
  });
}

/** The bare MatMul of the same shapes, the baseline bench:worker compares top-k against. */
export function similarityOnlyModel(): Uint8Array {
  return buildModel({
    name: "similarity",
    opset: 17,
    nodes: [node("MatMul", ["queries", "gallery_t"], ["similarity"])],
    inputs: [valueInfo("queries", "float", ["q", "d"]), valueInfo("gallery_t", "float", ["d", "g"])],
    outputs: [valueInfo("similarity", "float", ["q", "g"])],
  });
}

/** Transposes rows [from, to) of a row-major [rows, d] matrix into [d, to − from]. */
export function transposeRows(matrix: Float32Array, dimension: number, from: number, to: number): Float32Array {
  const count = to - from;
  const out = new Float32Array(dimension * count);
  for (let row = 0; row < count; row++) {
    const base = (from + row) * dimension;
    for (let i = 0; i < dimension; i++) out[i * count + row] = matrix[base + i]!;
  }
  return out;
}

/** Chunk sizes: the gallery chunk as wide as it can be, then as many queries as the budget allows. */
export function chunkPlan(queryCount: number, galleryCount: number, budgetBytes: number): { queryChunk: number; galleryChunk: number } {
  const galleryChunk = Math.max(1, Math.min(galleryCount, 65_536, Math.floor(budgetBytes / 4 / 16)));
  const queryChunk = Math.max(1, Math.min(queryCount, Math.floor(budgetBytes / 4 / galleryChunk)));
  return { queryChunk, galleryChunk };
}

/** Merges a chunk's top-k (gallery indices offset by `offset`) into the running top-k of each query. */
function mergeChunk(best: RankedNeighbours, firstQuery: number, rows: number, values: Float32Array, indices: BigInt64Array, chunkK: number, offset: number): void {
  const { k } = best;
  const mergedScores = new Float32Array(k);
  const mergedIndices = new Int32Array(k);
  for (let row = 0; row < rows; row++) {
    const base = (firstQuery + row) * k;
    let a = 0;
    let b = 0;
    for (let slot = 0; slot < k; slot++) {
      const aIndex = a < k ? best.indices[base + a]! : -1;
      const bIndex = b < chunkK ? Number(indices[row * chunkK + b]!) + offset : -1;
      let takeA: boolean;
      if (aIndex < 0) takeA = false;
      else if (bIndex < 0) takeA = true;
      else {
        const aScore = best.scores[base + a]!;
        const bScore = values[row * chunkK + b]!;
        // Higher similarity first; on a tie the earlier gallery name (lower index).
        takeA = aScore > bScore || (aScore === bScore && aIndex < bIndex);
      }
      if (takeA) {
        mergedScores[slot] = best.scores[base + a]!;
        mergedIndices[slot] = aIndex;
        a++;
      } else if (bIndex >= 0) {
        mergedScores[slot] = values[row * chunkK + b]!;
        mergedIndices[slot] = bIndex;
        b++;
      } else {
        mergedScores[slot] = -Infinity;
        mergedIndices[slot] = -1;
      }
    }
    best.scores.set(mergedScores, base);
    best.indices.set(mergedIndices, base);
  }
}

/**
 * The k most similar gallery rows of every query row. `queries` [q, d] and `gallery` [g, d] are row-major; normalise
 * them first for cosine similarity.
 */
export async function topKNeighbours(queries: Float32Array, gallery: Float32Array, dimension: number, options: RankOptions): Promise<RankedNeighbours> {
  const queryCount = queries.length / dimension;
  const galleryCount = gallery.length / dimension;
  const k = options.k;
  const best: RankedNeighbours = { indices: new Int32Array(queryCount * k).fill(-1), scores: new Float32Array(queryCount * k).fill(-Infinity), k };
  if (queryCount === 0 || galleryCount === 0) return best;
  const { queryChunk, galleryChunk } = chunkPlan(queryCount, galleryCount, options.memoryBudgetBytes ?? 256 * 1024 * 1024);
  const session = await ort.InferenceSession.create(similarityTopKModel(), { executionProviders: options.executionProviders ?? ["cpu"] });
  try {
    const total = Math.ceil(galleryCount / galleryChunk) * Math.ceil(queryCount / queryChunk);
    let done = 0;
    for (let g0 = 0; g0 < galleryCount; g0 += galleryChunk) {
      const g1 = Math.min(galleryCount, g0 + galleryChunk);
      const galleryT = new ort.Tensor("float32", transposeRows(gallery, dimension, g0, g1), [dimension, g1 - g0]);
      const chunkK = Math.min(k, g1 - g0);
      const kTensor = new ort.Tensor("int64", BigInt64Array.from([BigInt(chunkK)]), [1]);
      for (let q0 = 0; q0 < queryCount; q0 += queryChunk) {
        const q1 = Math.min(queryCount, q0 + queryChunk);
        const queryTensor = new ort.Tensor("float32", queries.subarray(q0 * dimension, q1 * dimension), [q1 - q0, dimension]);
        const output = await session.run({ queries: queryTensor, gallery_t: galleryT, k: kTensor });
        mergeChunk(best, q0, q1 - q0, output.values!.data as Float32Array, output.indices!.data as BigInt64Array, chunkK, g0);
        options.onChunk?.(++done, total);
      }
    }
  } finally {
    await session.release();
  }
  return best;
}
