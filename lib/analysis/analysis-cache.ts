import type { PreparedAnalysis } from "./prepare-visual-analysis";

// Prepared analyses of the last few submissions looked at, so paging through one costs no re-parse of its file.
// The key names the submission, the dataset version and when it was scored, so a re-run never shows stale lists.

const MAX_ENTRIES = 6;
const cache = new Map<string, Promise<PreparedAnalysis>>();

export function preparedAnalysisFor(key: string, load: () => Promise<PreparedAnalysis>): Promise<PreparedAnalysis> {
  const cached = cache.get(key);
  if (cached) {
    cache.delete(key);
    cache.set(key, cached); // most recently used last
    return cached;
  }
  const loading = load().catch((error: unknown) => {
    cache.delete(key);
    throw error;
  });
  cache.set(key, loading);
  while (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  return loading;
}
