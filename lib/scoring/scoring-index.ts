import type { Outcome } from "./types";

/** What scoring needs to know of a dataset version: query names, gallery names (when known) and the truth. */
export interface ScoringDataset {
  /** Every query of the test set. Queries without a match are accepted in submissions but not evaluated. */
  queries: readonly string[];
  /** Every gallery file, or null when unknown (then unknown gallery names cannot be detected). */
  gallery: readonly string[] | null;
  /** Ground truth: query → matching gallery files. Queries with an empty or absent list are not evaluated. */
  truth: ReadonlyMap<string, readonly string[]>;
}

/** A dataset turned into integer lookups, built once per dataset version and reused for every submission. */
export interface ScoringIndex {
  queryIndex: Map<string, number>;
  queryCount: number;
  /** Per query: its slot among evaluated queries, or -1. */
  evaluatedSlot: Int32Array;
  /** Evaluated query names in slot order (dataset order). */
  evaluatedNames: string[];
  galleryIndex: Map<string, number>;
  galleryKnown: boolean;
  /** Truth as compressed rows per evaluated slot: gallery ids truthIds[truthStart[s] .. truthStart[s + 1]). */
  truthStart: Int32Array;
  truthIds: Int32Array;
  /** Splits already computed for this index, by seed and fraction. */
  splitCache: Map<string, Uint8Array>;
}

/** Problems in the dataset itself; a dataset version with any of them cannot score. */
export function buildScoringIndex(dataset: ScoringDataset): Outcome<ScoringIndex, string[]> {
  const problems: string[] = [];
  const queryIndex = new Map<string, number>();
  for (const name of dataset.queries) {
    if (queryIndex.has(name)) problems.push(`query ${JSON.stringify(name)} is listed twice`);
    else queryIndex.set(name, queryIndex.size);
  }
  for (const name of dataset.truth.keys()) {
    if (!queryIndex.has(name)) problems.push(`ground truth names query ${JSON.stringify(name)}, which is not in the query set`);
  }

  const galleryKnown = dataset.gallery !== null;
  const galleryIndex = new Map<string, number>();
  for (const name of dataset.gallery ?? []) {
    if (galleryIndex.has(name)) problems.push(`gallery file ${JSON.stringify(name)} is listed twice`);
    else galleryIndex.set(name, galleryIndex.size);
  }

  const evaluatedSlot = new Int32Array(queryIndex.size).fill(-1);
  const evaluatedNames: string[] = [];
  const rows: number[][] = [];
  for (const [name, index] of queryIndex) {
    const matches = dataset.truth.get(name);
    if (!matches || matches.length === 0) continue;
    const ids: number[] = [];
    for (const match of matches) {
      let id = galleryIndex.get(match);
      if (id === undefined) {
        if (galleryKnown) {
          problems.push(`ground truth of query ${JSON.stringify(name)} names ${JSON.stringify(match)}, which is not in the gallery`);
          continue;
        }
        // Without a gallery list the truth's own names define the known gallery.
        id = galleryIndex.size;
        galleryIndex.set(match, id);
      }
      if (!ids.includes(id)) ids.push(id);
    }
    evaluatedSlot[index] = evaluatedNames.length;
    evaluatedNames.push(name);
    rows.push(ids);
  }
  if (problems.length > 0) return { ok: false, error: problems };

  const truthStart = new Int32Array(rows.length + 1);
  for (let s = 0; s < rows.length; s++) truthStart[s + 1] = truthStart[s]! + rows[s]!.length;
  const truthIds = new Int32Array(truthStart[rows.length]!);
  for (let s = 0; s < rows.length; s++) truthIds.set(rows[s]!, truthStart[s]!);

  return {
    ok: true,
    value: {
      queryIndex,
      queryCount: queryIndex.size,
      evaluatedSlot,
      evaluatedNames,
      galleryIndex,
      galleryKnown,
      truthStart,
      truthIds,
      splitCache: new Map(),
    },
  };
}
