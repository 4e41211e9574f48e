import { describeValue } from "./parse-results";
import { buildError, ProblemCollector } from "./problems";
import { galleryMapOf, queryMapOf, type ScoringIndex } from "./scoring-index";
import type { Outcome, SubmittedEntry, ValidationError } from "./types";

export interface RankOptions {
  /** Longest list allowed per query. */
  maxListLength: number;
  /** When true, evaluated queries absent from the submission score 0 instead of rejecting it. */
  allowPartial: boolean;
}

export interface RankedResults {
  /** Per evaluated slot: 1-based rank of the first correct entry, 0 when none. */
  firstHitRank: Uint8Array;
  /** Per evaluated slot: 1 when the submission lists that query. */
  present: Uint8Array;
}

/**
 * Validates submitted lists against the dataset and, in the same pass, finds each evaluated query's first correct
 * rank. Every problem is collected (not just the first) so a team can fix its file in one go.
 */
export function rankResults(entries: readonly SubmittedEntry[], index: ScoringIndex, options: RankOptions): Outcome<RankedResults, ValidationError[]> {
  const slots = index.evaluatedNames.length;
  const firstHitRank = new Uint8Array(slots);
  const present = new Uint8Array(slots);
  const seenQuery = new Uint8Array(index.queryCount);
  const problems = new ProblemCollector();
  const { galleryKnown, truthStart, truthIds, evaluatedSlot } = index;
  const queryIndex = queryMapOf(index);
  const galleryIndex = galleryMapOf(index);
  // Names outside a gallery that is not known get ids past the known ones, for duplicate detection only.
  const unlisted = new Map<string, number>();
  const ids = new Int32Array(Math.max(options.maxListLength, 16));
  let idsOf = ids;

  for (let e = 0; e < entries.length; e++) {
    const { query, list } = entries[e]!;
    const q = queryIndex.get(query);
    if (q === undefined) {
      problems.add("UNKNOWN_QUERY", { query });
      continue;
    }
    if (seenQuery[q] === 1) {
      problems.add("DUPLICATE_QUERY", { query });
      continue;
    }
    seenQuery[q] = 1;
    const items = list as unknown[];
    if (items.length > options.maxListLength) {
      problems.add("TOO_MANY_ENTRIES", { query, found: `${items.length} entries, at most ${options.maxListLength} allowed` });
    }
    if (items.length > idsOf.length) idsOf = new Int32Array(items.length);
    const slot = evaluatedSlot[q]!;
    const truthFrom = slot >= 0 ? truthStart[slot]! : 0;
    const truthTo = slot >= 0 ? truthStart[slot + 1]! : 0;
    let rank = 0;
    for (let j = 0; j < items.length; j++) {
      const name = items[j];
      if (typeof name !== "string") {
        problems.add("NOT_A_STRING", { query, position: j + 1, found: describeValue(name) });
        idsOf[j] = -1;
        continue;
      }
      let id = galleryIndex.get(name);
      if (id === undefined) {
        if (galleryKnown) {
          problems.add("UNKNOWN_GALLERY", { query, position: j + 1, value: name });
          idsOf[j] = -1;
          continue;
        }
        id = unlisted.get(name);
        if (id === undefined) {
          id = index.galleryNames.length + unlisted.size;
          unlisted.set(name, id);
        }
      }
      let duplicate = false;
      for (let t = 0; t < j; t++) {
        if (idsOf[t] === id) {
          duplicate = true;
          break;
        }
      }
      idsOf[j] = id;
      if (duplicate) {
        problems.add("DUPLICATE_IN_LIST", { query, position: j + 1, value: name });
        continue;
      }
      if (rank === 0 && j < options.maxListLength) {
        for (let t = truthFrom; t < truthTo; t++) {
          if (truthIds[t] === id) {
            rank = j + 1;
            break;
          }
        }
      }
    }
    if (slot >= 0) {
      present[slot] = 1;
      firstHitRank[slot] = rank;
    }
  }

  if (!options.allowPartial) {
    for (let s = 0; s < slots; s++) {
      if (present[s] === 0) problems.add("MISSING_QUERIES", { query: index.evaluatedNames[s]! });
    }
  }
  if (problems.size > 0) {
    return {
      ok: false,
      error: problems.toErrors().map((error) =>
        error.code === "MISSING_QUERIES" ? buildError(error.code, error.count, error.examples, "this competition requires every query") : error,
      ),
    };
  }
  return { ok: true, value: { firstHitRank, present } };
}
