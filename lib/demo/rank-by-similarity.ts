import type { ModelManifest } from "../models/manifest";

/** A named embedding: a query or gallery file and its vector. */
export interface NamedEmbedding {
  name: string;
  embedding: Float32Array;
}

function normalized(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm);
  return norm > 0 ? vector.map((value) => value / norm) : vector;
}

/**
 * For each query, the `k` most similar gallery files, best first (a results file's plain map). Ties keep gallery
 * order, so the result is deterministic.
 */
export function rankBySimilarity(queries: readonly NamedEmbedding[], gallery: readonly NamedEmbedding[], similarity: ModelManifest["similarity"], k = 10): Record<string, string[]> {
  const prepare = (vector: Float32Array) => (similarity === "cosine" ? normalized(vector) : vector);
  const galleryVectors = gallery.map((item) => prepare(item.embedding));
  const results: Record<string, string[]> = {};
  for (const query of queries) {
    const vector = prepare(query.embedding);
    const best: { index: number; score: number }[] = [];
    galleryVectors.forEach((candidate, index) => {
      let score = 0;
      for (let d = 0; d < vector.length; d++) score += vector[d]! * candidate[d]!;
      if (best.length === k && score <= best[k - 1]!.score) return;
      let position = best.length;
      while (position > 0 && best[position - 1]!.score < score) position--;
      best.splice(position, 0, { index, score });
      if (best.length > k) best.pop();
    });
    results[query.name] = best.map((entry) => gallery[entry.index]!.name);
  }
  return results;
}
