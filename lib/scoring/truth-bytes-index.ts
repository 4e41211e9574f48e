import { FNV_OFFSET, FNV_PRIME, lookupName, sharedInt32, type NameTable } from "./name-table";
import type { ScoringIndex } from "./scoring-index";

// Builds a scoring index straight from the bytes of a ground_truth.json (`{"<query>": ["<gallery>", …]}`) and an
// already indexed gallery list: query names are hashed where they lie in the file (the file is the table's pool),
// matches are resolved to gallery ids during the same pass. For the common case only — names without escapes or
// folder prefixes, lists of names, no repeated query; anything else returns null and the caller takes the general
// path (JSON.parse and buildScoringIndex), which also explains every problem. Pass the file's bytes in shared
// memory (readFileShared) and the table reaches a worker thread without a copy.

const decoder = new TextDecoder();

export function buildScoringIndexFromTruthBytes(bytes: Uint8Array, gallery: { names: readonly string[]; table: NameTable; duplicates: readonly number[] }): ScoringIndex | null {
  if (gallery.duplicates.length > 0) return null; // the general path reports them
  const length = bytes.length;
  // One list per query: counting '[' bounds the number of queries for the table's size.
  let lists = 0;
  for (let k = 0; k < length; k++) if (bytes[k] === 0x5b) lists++;
  let size = 16;
  while (size < lists * 2) size *= 2;
  const mask = size - 1;
  const slots = sharedInt32(size * 4);
  for (let p = 0; p < size; p++) slots[p * 4 + 1] = -1;
  const queryTable: NameTable = { mask, slots, pool: bytes, size: 0 };

  const queryNames: string[] = [];
  const evaluatedNames: string[] = [];
  const evaluatedSlots: number[] = [];
  let truthIds = new Int32Array(Math.max(16, lists * 2));
  const rowStarts: number[] = [0];
  let cursor = 0;
  let c = 0;
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < length && ((c = bytes[i]!) === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) i++;
  if (bytes[i] !== 0x7b) return null;
  i++;
  while (i < length && ((c = bytes[i]!) === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) i++;
  if (bytes[i] === 0x7d) return null; // an empty truth: the general path says so
  for (;;) {
    if (bytes[i] !== 0x22) return null;
    i++;
    const keyStart = i;
    let hash = FNV_OFFSET;
    while (i < length && (c = bytes[i]!) !== 0x22) {
      if (c === 0x5c || c < 0x20 || c === 0x2f) return null; // escape, control character or folder
      hash = Math.imul(hash ^ c, FNV_PRIME);
      i++;
    }
    if (i >= length) return null;
    const keyEnd = i;
    i++;
    if (lookupName(queryTable, bytes, keyStart, keyEnd, hash) !== -1) return null; // a repeated query
    let p = hash & mask;
    while (slots[p * 4 + 1] !== -1) p = (p + 1) & mask;
    const q = queryNames.length;
    slots[p * 4] = hash;
    slots[p * 4 + 1] = q;
    slots[p * 4 + 2] = keyStart;
    slots[p * 4 + 3] = keyEnd - keyStart;
    queryTable.size++;
    const name = decoder.decode(bytes.subarray(keyStart, keyEnd));
    queryNames.push(name);

    while (i < length && ((c = bytes[i]!) === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) i++;
    if (bytes[i] !== 0x3a) return null;
    i++;
    while (i < length && ((c = bytes[i]!) === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) i++;
    if (bytes[i] !== 0x5b) return null; // a single string value: the general path accepts it
    i++;
    const rowStart = cursor;
    while (i < length && ((c = bytes[i]!) === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) i++;
    if (bytes[i] === 0x5d) i++;
    else {
      for (;;) {
        if (bytes[i] !== 0x22) return null;
        i++;
        const start = i;
        let h = FNV_OFFSET;
        while (i < length && (c = bytes[i]!) !== 0x22) {
          if (c === 0x5c || c < 0x20 || c === 0x2f) return null;
          h = Math.imul(h ^ c, FNV_PRIME);
          i++;
        }
        if (i >= length) return null;
        const id = lookupName(gallery.table, bytes, start, i, h);
        i++;
        if (id === -1) return null; // a match not in the gallery: the general path reports it
        let repeated = false;
        for (let t = rowStart; t < cursor; t++) if (truthIds[t] === id) repeated = true;
        if (!repeated) {
          if (cursor === truthIds.length) {
            const grown = new Int32Array(truthIds.length * 2);
            grown.set(truthIds);
            truthIds = grown;
          }
          truthIds[cursor++] = id;
        }
        while (i < length && ((c = bytes[i]!) === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) i++;
        if (c === 0x2c) {
          i++;
          while (i < length && ((c = bytes[i]!) === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) i++;
          continue;
        }
        if (c !== 0x5d) return null;
        i++;
        break;
      }
    }
    if (cursor > rowStart) {
      evaluatedSlots.push(q);
      evaluatedNames.push(name);
      rowStarts.push(cursor);
    }
    while (i < length && ((c = bytes[i]!) === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) i++;
    if (c === 0x2c) {
      i++;
      while (i < length && ((c = bytes[i]!) === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) i++;
      continue;
    }
    if (c !== 0x7d) return null;
    i++;
    break;
  }
  while (i < length && ((c = bytes[i]!) === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) i++;
  if (i !== length) return null;

  const evaluatedSlot = new Int32Array(queryNames.length).fill(-1);
  evaluatedSlots.forEach((q, slot) => (evaluatedSlot[q] = slot));
  return {
    queryNames,
    queryTable,
    queryCount: queryNames.length,
    galleryNames: gallery.names,
    galleryTable: gallery.table,
    galleryKnown: true,
    evaluatedSlot,
    evaluatedNames,
    truthStart: Int32Array.from(rowStarts),
    truthIds: truthIds.slice(0, cursor),
    splitCache: new Map(),
    maps: {},
  };
}
