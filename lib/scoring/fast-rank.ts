import { FNV_OFFSET, FNV_PRIME, lookupName, type NameTable } from "./name-table";
import type { RankedResults } from "./rank-results";
import type { ScoringIndex } from "./scoring-index";
import type { ResultsFormat } from "./types";

// The fast path for the common case: a valid plain map or legacy body, with names free of JSON escapes. It reads
// the file's bytes once — checking the JSON grammar, looking names up without making strings, ranking as it goes.
// On anything else (another format, an escape, any validation problem) it declines and the general path — JSON.parse
// and rankResults — answers, so errors are always reported by one implementation and results are identical.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const decoder = new TextDecoder();

interface FastTables {
  queries: NameTable;
  gallery: NameTable;
}

export interface FastRanked extends RankedResults {
  format: ResultsFormat;
  groupname: string | null;
}

/** Ranks a valid file in one pass over its bytes, or returns null to hand it to the general path. */
export function fastRankResults(bytes: Uint8Array, index: ScoringIndex, maxListLength: number, allowPartial: boolean): FastRanked | null {
  // Without a gallery list, unknown names need the general path's bookkeeping.
  if (!index.galleryKnown) return null;
  return scan(bytes, scanIndexOf(index), { queries: index.queryTable, gallery: index.galleryTable }, maxListLength, allowPartial);
}

/** What the scan needs of an index: plain typed arrays, so a worker thread can receive them. */
export interface ScanIndex {
  evaluatedSlot: Int32Array;
  truthStart: Int32Array;
  truthIds: Int32Array;
  slotCount: number;
  queryCount: number;
  queries: NameTable;
  gallery: NameTable;
}

export function scanIndexOf(index: ScoringIndex): ScanIndex {
  return {
    evaluatedSlot: index.evaluatedSlot,
    truthStart: index.truthStart,
    truthIds: index.truthIds,
    slotCount: index.evaluatedNames.length,
    queryCount: index.queryCount,
    queries: index.queryTable,
    gallery: index.galleryTable,
  };
}

/**
 * Which part of a plain map a scan reads: all of it; a prefix that must end with a complete member right before
 * the comma at `stopAt`; or a suffix that starts with a member right after such a comma (two halves read in
 * parallel, see parallel-rank.ts).
 */
export type ScanPart = { mode: "whole" } | { mode: "prefix"; stopAt: number } | { mode: "suffix" };

export interface PartRanked extends FastRanked {
  seenQuery: Uint8Array;
}

export function scanPart(bytes: Uint8Array, index: ScanIndex, maxListLength: number, part: ScanPart): PartRanked | null {
  return scan(bytes, index, { queries: index.queries, gallery: index.gallery }, maxListLength, true, part);
}

function scan(bytes: Uint8Array, index: ScanIndex, tables: FastTables, maxListLength: number, allowPartial: boolean, part: ScanPart = { mode: "whole" }): PartRanked | null {
  // One function with local state only: the hot loops must keep `i` in a register (closures would not).
  const length = bytes.length;
  const { evaluatedSlot, truthStart, truthIds } = index;
  const slotCount = index.slotCount;
  const stopAt = part.mode === "prefix" ? part.stopAt : -1;
  const firstHitRank = new Uint8Array(slotCount);
  const present = new Uint8Array(slotCount);
  const seenQuery = new Uint8Array(index.queryCount);
  const ids = new Int32Array(maxListLength);
  let format: ResultsFormat = "plain-map";
  let groupname: string | null = null;
  let sawImages = false;
  let sawGroupname = false;
  let depth = 0; // 0: top-level object; 1: inside "images" of a legacy body
  let c = 0;
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;

  if (part.mode !== "suffix") {
    while (i < length && ((c = bytes[i]!) === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) i++;
    if (bytes[i] !== OPEN_BRACE) return null;
    i++;
  }

  // Each turn reads one member `"key": value` of the current object.
  for (;;) {
    while (i < length && ((c = bytes[i]!) === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) i++;
    if (bytes[i] !== QUOTE) return null;
    i++;
    const keyStart = i;
    let hash = FNV_OFFSET;
    while (i < length && (c = bytes[i]!) !== QUOTE) {
      if (c === BACKSLASH || c < 0x20) return null;
      hash = Math.imul(hash ^ c, FNV_PRIME);
      i++;
    }
    if (i >= length) return null;
    const keyEnd = i;
    i++;
    while (i < length && ((c = bytes[i]!) === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) i++;
    if (bytes[i] !== COLON) return null;
    i++;
    while (i < length && ((c = bytes[i]!) === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) i++;
    c = bytes[i]!;

    if (c === OPEN_BRACKET && (depth === 1 || format === "plain-map")) {
      // A query and its ranked list.
      const q = lookupName(tables.queries, bytes, keyStart, keyEnd, hash);
      if (q === -1 || seenQuery[q] === 1) return null;
      seenQuery[q] = 1;
      const slot = evaluatedSlot[q]!;
      const truthFrom = slot >= 0 ? truthStart[slot]! : 0;
      const truthTo = slot >= 0 ? truthStart[slot + 1]! : 0;
      let count = 0;
      let rank = 0;
      i++;
      while (i < length && ((c = bytes[i]!) === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) i++;
      if (bytes[i] === CLOSE_BRACKET) i++;
      else {
        for (;;) {
          if (bytes[i] !== QUOTE) return null;
          i++;
          const start = i;
          let h = FNV_OFFSET;
          while (i < length && (c = bytes[i]!) !== QUOTE) {
            if (c === BACKSLASH || c < 0x20) return null;
            h = Math.imul(h ^ c, FNV_PRIME);
            i++;
          }
          if (i >= length) return null;
          const g = lookupName(tables.gallery, bytes, start, i, h);
          i++;
          if (g === -1 || count === maxListLength) return null;
          for (let t = 0; t < count; t++) if (ids[t] === g) return null;
          ids[count++] = g;
          if (rank === 0) {
            for (let t = truthFrom; t < truthTo; t++) {
              if (truthIds[t] === g) {
                rank = count;
                break;
              }
            }
          }
          while (i < length && ((c = bytes[i]!) === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) i++;
          if (c === COMMA) {
            i++;
            while (i < length && ((c = bytes[i]!) === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) i++;
            continue;
          }
          if (c !== CLOSE_BRACKET) return null;
          i++;
          break;
        }
      }
      if (slot >= 0) {
        present[slot] = 1;
        firstHitRank[slot] = rank;
      }
    } else if (part.mode !== "whole") {
      return null; // halves are read only for plain maps
    } else if (depth === 0 && c === OPEN_BRACE && !sawImages && isWord(bytes, keyStart, keyEnd, "images") && (format === "legacy-body" || seenNothing(seenQuery))) {
      // The legacy body's "images": descend into its plain map.
      format = "legacy-body";
      sawImages = true;
      depth = 1;
      i++;
      continue;
    } else if (depth === 0 && c === QUOTE && !sawGroupname && isWord(bytes, keyStart, keyEnd, "groupname") && (format === "legacy-body" || seenNothing(seenQuery))) {
      format = "legacy-body";
      sawGroupname = true;
      i++;
      const start = i;
      while (i < length && (c = bytes[i]!) !== QUOTE) {
        if (c === BACKSLASH || c < 0x20) return null;
        i++;
      }
      if (i >= length) return null;
      groupname = decoder.decode(bytes.subarray(start, i));
      i++;
    } else return null;

    // After a member: a comma for the next one, or the end of the current object.
    while (i < length && ((c = bytes[i]!) === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) i++;
    if (c === COMMA) {
      if (i === stopAt) return { format, groupname, firstHitRank, present, seenQuery };
      i++;
      continue;
    }
    if (c !== CLOSE_BRACE) return null;
    i++;
    if (depth === 0) break;
    depth = 0;
    // Back in the legacy body: more members may follow ("groupname" after "images").
    while (i < length && ((c = bytes[i]!) === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) i++;
    if (c === COMMA) {
      i++;
      continue;
    }
    if (c !== CLOSE_BRACE) return null;
    i++;
    break;
  }
  while (i < length && ((c = bytes[i]!) === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) i++;
  if (i !== length) return null;
  if (format === "legacy-body" && !sawImages) return null;
  if (part.mode === "prefix") return null; // the prefix must stop at its comma
  if (!allowPartial) for (let s = 0; s < slotCount; s++) if (present[s] === 0) return null;
  return { format, groupname, firstHitRank, present, seenQuery };
}

function isWord(bytes: Uint8Array, start: number, end: number, word: string): boolean {
  if (end - start !== word.length) return false;
  for (let k = 0; k < word.length; k++) if (bytes[start + k] !== word.charCodeAt(k)) return false;
  return true;
}

function seenNothing(seenQuery: Uint8Array): boolean {
  return seenQuery.indexOf(1) === -1;
}
