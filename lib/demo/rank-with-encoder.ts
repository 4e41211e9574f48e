import { createSessionWithFallback } from "../models/create-session";
import { embedImages } from "../models/embed-images";
import { normaliseRows, topKNeighbours } from "../models/rank-embeddings";
import type { BaselineEncoder } from "./baseline-encoders";
import type { DemoDataset } from "./build-demo-dataset";

// A baseline's top-10 results map, computed in this process with the worker's own pieces (lib/models: decode and
// normalise the images, one onnxruntime session, cosine top-k by MatMul+TopK with the same tie order), so the demo's
// measured scores are the scores the worker gives the same model — on the CPU, as the embedded server runs it.

const K = 10;

/** The results file a team running `encoder` would submit: query → its 10 nearest gallery files, best first. */
export async function rankWithEncoder(dataset: DemoDataset, encoder: Pick<BaselineEncoder, "model" | "manifest">): Promise<Record<string, string[]>> {
  const bytesOf = new Map(dataset.files.map((file) => [file.path, file.bytes]));
  // The worker reads both sets in name order (the dataset version's names.json); so does this.
  const queries = [...dataset.queries].sort();
  const gallery = [...dataset.gallery].sort();
  const { session } = await createSessionWithFallback(encoder.model, ["cpu"]);
  try {
    const embed = (label: string, folder: string, names: string[]) =>
      embedImages({ session, manifest: encoder.manifest, label, count: names.length, readImage: async (index) => bytesOf.get(`${folder}/${names[index]!}`)!, cachePath: null });
    const queryEmbeddings = await embed("queries", "query", queries);
    const galleryEmbeddings = await embed("gallery", "gallery", gallery);
    if (encoder.manifest.similarity === "cosine") {
      normaliseRows(queryEmbeddings.data, queryEmbeddings.dimension);
      normaliseRows(galleryEmbeddings.data, galleryEmbeddings.dimension);
    }
    const ranked = await topKNeighbours(queryEmbeddings.data, galleryEmbeddings.data, queryEmbeddings.dimension, { k: K, executionProviders: ["cpu"] });
    return Object.fromEntries(
      queries.map((name, row) => {
        const indices = Array.from(ranked.indices.subarray(row * ranked.k, (row + 1) * ranked.k)).filter((index) => index >= 0);
        return [name, indices.map((index) => gallery[index]!)];
      }),
    );
  } finally {
    await session.release();
  }
}
