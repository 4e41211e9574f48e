// A worker thread for the CLI's large files: reads the second half of a results file (see parallel-rank.ts).
import { parentPort } from "node:worker_threads";
import { scanPart, type ScanIndex } from "./fast-rank";

parentPort!.on("message", (request: { bytes: Uint8Array; index: ScanIndex; maxListLength: number }) => {
  const result = scanPart(request.bytes, request.index, request.maxListLength, { mode: "suffix" });
  parentPort!.postMessage(result, result ? ([result.firstHitRank.buffer, result.present.buffer, result.seenQuery.buffer] as ArrayBuffer[]) : []);
});
