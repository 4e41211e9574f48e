import { galleryMapOf, queryMapOf, type ScoringIndex } from "../scoring/scoring-index";
import type { SubmittedEntry } from "../scoring/types";

// A submission's lists turned into integers once (gallery ids per query, hit flags, first-hit ranks), so that any
// page, sort or filter of its visual analysis is a pass over typed arrays — a 100,000-query entry costs a few MB,
// not a copy of its JSON. Which queries a viewer may see is decided later (build-visual-analysis.ts), because the
// split is a competition setting and this is cached per submission.

/** Entries shown per query: the top 10. First-hit ranks still count the whole list. */
export const SHOWN_ENTRIES = 10;

export interface PreparedAnalysis {
  index: ScoringIndex;
  /** Per query (index.queryNames order) SHOWN_ENTRIES slots: a gallery id, an id ≥ galleryNames.length for a name outside the gallery (see `extraNames`), or -1. */
  lists: Int32Array;
  /** Same layout: 1 where the entry is a correct match. */
  hits: Uint8Array;
  /** Per query: 1-based rank of the first correct entry in the whole list, 0 when none (or not evaluated). */
  firstHitRank: Uint16Array;
  /** Per query: 1 when the submission lists it. */
  submitted: Uint8Array;
  /** Names the gallery does not know (only possible when the gallery list is unknown). */
  extraNames: string[];
  /** Memo of the gallery ids listed for public queries, per split (see galleryIdsShownTo). */
  publicGallery: Map<Uint8Array, Uint8Array>;
}

/** Whether gallery id `id` is among the correct matches of evaluated slot `slot`. */
export function isMatch(index: ScoringIndex, slot: number, id: number): boolean {
  for (let t = index.truthStart[slot]!; t < index.truthStart[slot + 1]!; t++) if (index.truthIds[t] === id) return true;
  return false;
}

/**
 * Prepares the analysis of a valid, parsed submission against the index of the dataset version it was scored
 * against. Queries the dataset does not know are skipped (a scored submission has none).
 */
export function prepareVisualAnalysis(index: ScoringIndex, entries: readonly SubmittedEntry[]): PreparedAnalysis {
  const queries = queryMapOf(index);
  const gallery = galleryMapOf(index);
  const n = index.queryCount;
  const lists = new Int32Array(n * SHOWN_ENTRIES).fill(-1);
  const hits = new Uint8Array(n * SHOWN_ENTRIES);
  const firstHitRank = new Uint16Array(n);
  const submitted = new Uint8Array(n);
  const extraNames: string[] = [];
  const extraIds = new Map<string, number>();
  for (const { query, list } of entries) {
    const q = queries.get(query);
    if (q === undefined || !Array.isArray(list)) continue;
    submitted[q] = 1;
    const slot = index.evaluatedSlot[q]!;
    for (let j = 0; j < list.length; j++) {
      const name = list[j];
      if (typeof name !== "string") continue;
      let id = gallery.get(name);
      if (id === undefined) {
        id = extraIds.get(name);
        if (id === undefined) {
          id = index.galleryNames.length + extraNames.length;
          extraIds.set(name, id);
          extraNames.push(name);
        }
      }
      const hit = slot >= 0 && id < index.galleryNames.length && isMatch(index, slot, id);
      if (hit && firstHitRank[q] === 0) firstHitRank[q] = j + 1;
      if (j < SHOWN_ENTRIES) {
        lists[q * SHOWN_ENTRIES + j] = id;
        hits[q * SHOWN_ENTRIES + j] = hit ? 1 : 0;
      }
    }
  }
  return { index, lists, hits, firstHitRank, submitted, extraNames, publicGallery: new Map() };
}

export function galleryNameOf(prepared: PreparedAnalysis, id: number): string {
  const known = prepared.index.galleryNames.length;
  return id < known ? prepared.index.galleryNames[id]! : prepared.extraNames[id - known]!;
}
