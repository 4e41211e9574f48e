// A worker thread for the CLI's large files (parallel-rank.ts): builds the gallery's name table from its list file
// while the main thread reads the ground truth, then reads the second half of the results file.
import { readFileSync } from "node:fs";
import { parentPort } from "node:worker_threads";
import { parseNameList } from "../datasets/read-dataset-folder";
import { scanPart, type ScanIndex } from "./fast-rank";
import { buildNameTable } from "./name-table";

type Request = { type: "name-table"; path: string } | { type: "scan"; bytes: Uint8Array; index: ScanIndex; maxListLength: number };

parentPort!.on("message", (request: Request) => {
  if (request.type === "name-table") {
    const names = parseNameList(readFileSync(request.path, "utf8"));
    const { table, duplicates } = buildNameTable(names);
    parentPort!.postMessage({ names, table, duplicates }, [table.slots.buffer, table.pool.buffer] as ArrayBuffer[]);
    return;
  }
  const result = scanPart(request.bytes, request.index, request.maxListLength, { mode: "suffix" });
  parentPort!.postMessage(result, result ? ([result.firstHitRank.buffer, result.present.buffer, result.seenQuery.buffer] as ArrayBuffer[]) : []);
});
