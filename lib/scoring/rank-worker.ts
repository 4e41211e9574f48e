// A worker thread that reads the second half of a large results file for parallel-rank.ts.
import { parentPort } from "node:worker_threads";
import { scanPart, type ScanIndex } from "./fast-rank";

parentPort!.once("message", (message: { bytes: Uint8Array; index: ScanIndex; maxListLength: number }) => {
  const result = scanPart(message.bytes, message.index, message.maxListLength, { mode: "suffix" });
  parentPort!.postMessage(result, result ? ([result.firstHitRank.buffer, result.present.buffer, result.seenQuery.buffer] as ArrayBuffer[]) : []);
});
