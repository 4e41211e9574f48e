import type { BlobStore } from "../storage/blob-store";
import { buildScoringIndex, type ScoringIndex } from "../scoring";
import { AppError } from "../errors/app-error";

// The scoring index of a dataset version is built once from its hidden names and truth and kept in memory, so a
// submission costs one pass over its own bytes. Versions are immutable, so the cache never goes stale.

const MAX_VERSIONS = 4;
const cache = new Map<string, Promise<ScoringIndex>>();

export function hiddenNamesKey(truthKey: string): string {
  return truthKey.replace(/truth\.json$/, "names.json");
}

/** The index of a version; `truthKeyOf` is only called when the version is not cached yet. */
export function scoringIndexFor(store: BlobStore, versionId: string, truthKeyOf: () => Promise<string | null>): Promise<ScoringIndex> {
  const cached = cache.get(versionId);
  if (cached) {
    cache.delete(versionId);
    cache.set(versionId, cached); // most recently used last
    return cached;
  }
  const loading = truthKeyOf()
    .then((truthKey) => loadIndex(store, { id: versionId, truthKey }))
    .catch((error: unknown) => {
      cache.delete(versionId);
      throw error;
    });
  cache.set(versionId, loading);
  while (cache.size > MAX_VERSIONS) cache.delete(cache.keys().next().value!);
  return loading;
}

async function loadIndex(store: BlobStore, version: { id: string; truthKey: string | null }): Promise<ScoringIndex> {
  if (!version.truthKey) throw new AppError("UNAVAILABLE", "the active dataset version has no ground truth");
  const [namesBytes, truthBytes] = await Promise.all([store.get(hiddenNamesKey(version.truthKey)), store.get(version.truthKey)]);
  const names = JSON.parse(namesBytes.toString("utf8")) as { queries: string[]; gallery: string[] };
  const truth = new Map(Object.entries(JSON.parse(truthBytes.toString("utf8")) as Record<string, string[]>));
  const built = buildScoringIndex({ queries: names.queries, gallery: names.gallery, truth });
  if (!built.ok) throw new AppError("INTERNAL", `dataset version ${version.id} cannot be scored: ${built.error[0]}`);
  return built.value;
}
