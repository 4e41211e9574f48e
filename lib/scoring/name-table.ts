// Exact lookup of file names straight from UTF-8 bytes: an open-addressing table of FNV-1a hashes over a pool
// holding every name's bytes contiguously, so a lookup is one probe and one byte comparison — no string is made.

const encoder = new TextEncoder();
export const FNV_OFFSET = 0x811c9dc5 | 0;
export const FNV_PRIME = 16777619;

export interface NameTable {
  mask: number;
  /** Four ints per slot: hash, id (-1: empty), start of the name in the pool, its byte length. */
  slots: Int32Array;
  pool: Uint8Array;
  size: number;
}

export function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let hash = FNV_OFFSET;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, FNV_PRIME);
  return hash;
}

/**
 * Encodes names once, NUL-separated (no file name contains NUL), and calls `visit(start, end)` for each name's
 * bytes in order. Far cheaper than one TextEncoder call per name.
 */
export function encodeNames(names: readonly string[], visit: (pool: Uint8Array, start: number, end: number, index: number) => void): Uint8Array {
  const pool = encoder.encode(names.join("\u0000"));
  let start = 0;
  let index = 0;
  for (let i = 0; i <= pool.length && index < names.length; i++) {
    if (i < pool.length && pool[i] !== 0) continue;
    visit(pool, start, i, index++);
    start = i + 1;
  }
  if (index !== names.length) throw new Error("a file name contains a NUL character");
  return pool;
}

/** An Int32Array in shared memory: a worker thread can read the table without it being copied. */
export function sharedInt32(length: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(length * 4));
}

/**
 * Builds the table of `names`, whose ids are their positions. A name equal to an earlier one is not added; its
 * position is reported in `duplicates`.
 */
export function buildNameTable(names: readonly string[]): { table: NameTable; duplicates: number[] } {
  let size = 16;
  while (size < names.length * 2) size *= 2;
  const mask = size - 1;
  const slots = sharedInt32(size * 4);
  for (let p = 0; p < size; p++) slots[p * 4 + 1] = -1;
  const duplicates: number[] = [];
  const table: NameTable = { mask, slots, pool: new Uint8Array(0), size: 0 };
  const encoded = encodeNames(names, (pool, start, end, id) => {
    table.pool = pool;
    const hash = hashBytes(pool, start, end);
    if (lookupName(table, pool, start, end, hash) !== -1) {
      duplicates.push(id);
      return;
    }
    let p = hash & mask;
    while (slots[p * 4 + 1] !== -1) p = (p + 1) & mask;
    slots[p * 4] = hash;
    slots[p * 4 + 1] = id;
    slots[p * 4 + 2] = start;
    slots[p * 4 + 3] = end - start;
    table.size++;
  });
  // The pool moves to shared memory too, once built.
  const shared = new Uint8Array(new SharedArrayBuffer(encoded.length));
  shared.set(encoded);
  table.pool = shared;
  return { table, duplicates };
}

/** The id of the name bytes[start..end) whose FNV-1a hash is `hash`, or -1. */
export function lookupName(table: NameTable, bytes: Uint8Array, start: number, end: number, hash: number): number {
  const { mask, slots, pool } = table;
  const length = end - start;
  let p = hash & mask;
  for (;;) {
    const at = p * 4;
    const id = slots[at + 1]!;
    if (id === -1) return -1;
    if (slots[at] === hash && slots[at + 3] === length) {
      const from = slots[at + 2]!;
      let k = 0;
      while (k < length && pool[from + k] === bytes[start + k]) k++;
      if (k === length) return id;
    }
    p = (p + 1) & mask;
  }
}

/** Ids of many names at once (-1 for unknown ones), with a single encoding of all of them. */
export function lookupNames(table: NameTable, names: readonly string[]): Int32Array {
  const ids = new Int32Array(names.length);
  encodeNames(names, (pool, start, end, index) => {
    ids[index] = lookupName(table, pool, start, end, hashBytes(pool, start, end));
  });
  return ids;
}
