import { buildNameTable, lookupNames, type NameTable } from "./name-table";
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
  queryNames: readonly string[];
  queryTable: NameTable;
  queryCount: number;
  /** Gallery names by id: the gallery list, or (when it is unknown) the names the truth mentions. */
  galleryNames: readonly string[];
  galleryTable: NameTable;
  galleryKnown: boolean;
  /** Per query: its slot among evaluated queries, or -1. */
  evaluatedSlot: Int32Array;
  /** Evaluated query names in slot order (dataset order). */
  evaluatedNames: string[];
  /** Truth as compressed rows per evaluated slot: gallery ids truthIds[truthStart[s] .. truthStart[s + 1]). */
  truthStart: Int32Array;
  truthIds: Int32Array;
  /** Splits already computed for this index, by seed and fraction. */
  splitCache: Map<string, Uint8Array>;
  /** String-keyed lookups for the general path, built on first use. */
  maps: { query?: Map<string, number>; gallery?: Map<string, number> };
}

function quoteAll(names: readonly string[], positions: number[]): string {
  return positions
    .slice(0, 20)
    .map((position) => JSON.stringify(names[position]))
    .join(", ");
}

/** Problems in the dataset itself come back as messages; a dataset version with any of them cannot score. */
export function buildScoringIndex(dataset: ScoringDataset, prebuilt: { gallery?: { table: NameTable; duplicates: number[] } } = {}): Outcome<ScoringIndex, string[]> {
  const problems: string[] = [];
  const queryNames = dataset.queries;
  const queries = buildNameTable(queryNames);
  if (queries.duplicates.length > 0) problems.push(`${queries.duplicates.length} query names are listed twice: ${quoteAll(queryNames, queries.duplicates)}`);

  const truthQueries = [...dataset.truth.keys()];
  // When the query list is the truth's own keys in order (the CLI's --truth mode), there is nothing to check.
  const sameAsQueries = truthQueries.length === queryNames.length && truthQueries.every((name, i) => name === queryNames[i]);
  const truthQueryIds = sameAsQueries ? null : lookupNames(queries.table, truthQueries);
  if (truthQueryIds) {
    const strays = [...truthQueryIds.keys()].filter((position) => truthQueryIds[position] === -1);
    if (strays.length > 0) problems.push(`ground truth names ${strays.length} queries not in the query set: ${quoteAll(truthQueries, strays)}`);
  }

  // Every match name, flattened in query order, resolved to gallery ids in one pass.
  const matchCounts = new Int32Array(queryNames.length);
  const matchNames: string[] = [];
  for (let q = 0; q < queryNames.length; q++) {
    const matches = dataset.truth.get(queryNames[q]!);
    if (!matches) continue;
    matchCounts[q] = matches.length;
    for (const match of matches) matchNames.push(match);
  }
  const galleryKnown = dataset.gallery !== null;
  const galleryNames = dataset.gallery ?? [...new Set(matchNames)];
  // The gallery's table may come prebuilt (from the gallery list, on another thread).
  const gallery = dataset.gallery !== null && prebuilt.gallery ? prebuilt.gallery : buildNameTable(galleryNames);
  if (gallery.duplicates.length > 0) problems.push(`${gallery.duplicates.length} gallery names are listed twice: ${quoteAll(galleryNames, gallery.duplicates)}`);
  const matchIds = lookupNames(gallery.table, matchNames);

  const evaluatedSlot = new Int32Array(queryNames.length).fill(-1);
  const evaluatedNames: string[] = [];
  const rowStart = new Int32Array(queryNames.length + 1);
  const allIds = new Int32Array(matchNames.length);
  let cursor = 0;
  let read = 0;
  for (let q = 0; q < queryNames.length; q++) {
    const count = matchCounts[q]!;
    if (count === 0) continue;
    const from = cursor;
    for (let m = 0; m < count; m++, read++) {
      const id = matchIds[read]!;
      if (id === -1) {
        problems.push(`ground truth of query ${JSON.stringify(queryNames[q])} names ${JSON.stringify(matchNames[read])}, which is not in the gallery`);
        continue;
      }
      let repeated = false;
      for (let t = from; t < cursor; t++) if (allIds[t] === id) repeated = true;
      if (!repeated) allIds[cursor++] = id;
    }
    evaluatedSlot[q] = evaluatedNames.length;
    evaluatedNames.push(queryNames[q]!);
    rowStart[evaluatedNames.length] = cursor;
  }
  if (problems.length > 0) return { ok: false, error: problems.slice(0, 50) };

  return {
    ok: true,
    value: {
      queryNames,
      queryTable: queries.table,
      queryCount: queryNames.length,
      galleryNames,
      galleryTable: gallery.table,
      galleryKnown,
      evaluatedSlot,
      evaluatedNames,
      truthStart: rowStart.slice(0, evaluatedNames.length + 1),
      truthIds: allIds.slice(0, cursor),
      splitCache: new Map(),
      maps: {},
    },
  };
}

function mapOf(names: readonly string[]): Map<string, number> {
  const map = new Map<string, number>();
  for (let id = 0; id < names.length; id++) if (!map.has(names[id]!)) map.set(names[id]!, id);
  return map;
}

export function queryMapOf(index: ScoringIndex): Map<string, number> {
  index.maps.query ??= mapOf(index.queryNames);
  return index.maps.query;
}

export function galleryMapOf(index: ScoringIndex): Map<string, number> {
  index.maps.gallery ??= mapOf(index.galleryNames);
  return index.maps.gallery;
}
