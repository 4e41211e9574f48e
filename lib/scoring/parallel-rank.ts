import { closeSync, openSync, readSync, statSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { scanIndexOf, scanPart, type FastRanked, type PartRanked, type ScanIndex } from "./fast-rank";
import type { ScoringIndex } from "./scoring-index";

// Large results files are read in two halves at once: this thread reads the first, a worker thread the second,
// with the same scan (lib/scoring/fast-rank.ts) over the same tables. The halves meet at a comma between two
// members; the first half must end exactly there, so an unlucky split point (inside a name) only costs a fallback
// to the single-threaded path, never a different result.

/** Files smaller than this are read in one pass: starting a worker would cost more than it saves. */
export const PARALLEL_MIN_BYTES = 8 * 1024 * 1024;

/** A comma between two members of a plain map (`]` , `"`) at or after the middle of the file. */
export function findSplitComma(bytes: Uint8Array): number {
  for (let i = bytes.length >> 1; i < bytes.length; i++) {
    if (bytes[i] !== 0x5d) continue; // ]
    let j = i + 1;
    while (j < bytes.length && (bytes[j] === 0x20 || bytes[j] === 0x0a || bytes[j] === 0x0d || bytes[j] === 0x09)) j++;
    if (bytes[j] !== 0x2c) continue; // ,
    let k = j + 1;
    while (k < bytes.length && (bytes[k] === 0x20 || bytes[k] === 0x0a || bytes[k] === 0x0d || bytes[k] === 0x09)) k++;
    if (bytes[k] === 0x22) return j; // "
  }
  return -1;
}

/** A worker thread running rank-worker.ts; a worker that failed to start only makes the caller fall back. */
export class RankWorker {
  private readonly worker: Worker;
  private failure: Error | null = null;

  /** `url`: the bundled rank-worker.mjs, or rank-worker-dev.mjs to run the TypeScript source. */
  constructor(url: URL) {
    this.worker = new Worker(url);
    this.worker.on("error", (error) => (this.failure ??= error));
    this.worker.on("exit", (code) => (this.failure ??= new Error(`the ranking worker exited with code ${code}`)));
  }

  run(message: { bytes: Uint8Array; index: ScanIndex; maxListLength: number }): Promise<PartRanked | null> {
    const buffer = message.bytes.buffer;
    return this.request<PartRanked | null>(message, buffer instanceof SharedArrayBuffer ? [] : [buffer as ArrayBuffer]);
  }

  /** One request at a time: callers await each before the next. */
  private request<T>(message: object, transfer: ArrayBuffer[]): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const onMessage = (result: T) => {
        this.worker.off("error", onError);
        this.worker.off("exit", onExit);
        resolve(result);
      };
      const onError = (error: Error) => reject(error);
      const onExit = (code: number) => reject(new Error(`the ranking worker exited with code ${code}`));
      this.worker.once("message", onMessage);
      this.worker.once("error", onError);
      this.worker.once("exit", onExit);
      this.worker.postMessage(message, transfer);
    });
  }

  async terminate(): Promise<void> {
    this.worker.removeAllListeners();
    await this.worker.terminate();
  }
}

/**
 * Ranks a results file with two threads; null when it must go through the single-threaded path instead (not a
 * plain map, an escape, any validation problem, a split inside a name, a worker that failed).
 */
export async function rankInParallel(bytes: Uint8Array, index: ScoringIndex, maxListLength: number, allowPartial: boolean, worker: RankWorker): Promise<FastRanked | null> {
  const comma = findSplitComma(bytes);
  if (comma < 0 || !index.galleryKnown) return null;
  const scanIndex = scanIndexOf(index);
  // Bytes in shared memory are read by the worker in place; others are copied once and handed over.
  const shared = bytes.buffer instanceof SharedArrayBuffer;
  const suffix = shared ? bytes.subarray(comma + 1) : new Uint8Array(bytes.subarray(comma + 1));
  const second = worker.run({ bytes: suffix, index: scanIndex, maxListLength }).catch(() => null);
  const first = scanPart(bytes, scanIndex, maxListLength, { mode: "prefix", stopAt: comma });
  const rest = await second;
  if (!first || !rest) return null;
  const { firstHitRank, present } = first;
  for (let q = 0; q < first.seenQuery.length; q++) if (first.seenQuery[q] === 1 && rest.seenQuery[q] === 1) return null; // a query in both halves
  for (let s = 0; s < present.length; s++) {
    if (rest.present[s] === 1) {
      present[s] = 1;
      firstHitRank[s] = rest.firstHitRank[s]!;
    }
    if (!allowPartial && present[s] === 0) return null;
  }
  return { format: "plain-map", groupname: null, firstHitRank, present };
}

/** A file's bytes in shared memory, so a worker thread can read them without a copy. */
export function readFileShared(path: string): Uint8Array {
  const size = statSync(path).size;
  const bytes = new Uint8Array(new SharedArrayBuffer(size));
  const fd = openSync(path, "r");
  try {
    let done = 0;
    while (done < size) {
      const read = readSync(fd, bytes, done, size - done, done);
      if (read === 0) break;
      done += read;
    }
    return done === size ? bytes : bytes.subarray(0, done);
  } finally {
    closeSync(fd);
  }
}
