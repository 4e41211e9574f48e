import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ScoringDataset } from "../scoring/scoring-index";
import type { Outcome } from "../scoring/types";
import { parseGroundTruthJson, parseLabelsCsv } from "./parse-ground-truth";

/** File names directly inside a folder of the dataset layout (hidden files skipped). */
export function listFolderFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.startsWith("."))
    .map((entry) => entry.name)
    .sort();
}

/** Reads names and truth from a dataset folder in the archive layout (query/, gallery/, ground_truth.json or labels.csv). */
export function readDatasetFolder(root: string): Outcome<ScoringDataset, string[]> {
  const queryDir = join(root, "query");
  const galleryDir = join(root, "gallery");
  if (!existsSync(queryDir)) return { ok: false, error: [`${root} has no query/ folder`] };
  if (!existsSync(galleryDir)) return { ok: false, error: [`${root} has no gallery/ folder`] };
  const truth = readTruthFile(root);
  if (!truth.ok) return truth;
  return { ok: true, value: { queries: listFolderFiles(queryDir), gallery: listFolderFiles(galleryDir), truth: truth.value } };
}

export function readTruthFile(root: string): Outcome<Map<string, string[]>, string[]> {
  const json = join(root, "ground_truth.json");
  if (existsSync(json)) return parseGroundTruthJson(readFileSync(json, "utf8"));
  const csv = join(root, "labels.csv");
  if (existsSync(csv)) return parseLabelsCsv(readFileSync(csv, "utf8"));
  return { ok: false, error: [`${root} has neither ground_truth.json nor labels.csv`] };
}

/** One name per line; blank lines skipped, surrounding spaces and a CR removed (only when present: lists are long). */
export function parseNameList(text: string): string[] {
  const names: string[] = [];
  for (const line of text.split("\n")) {
    const first = line.charCodeAt(0);
    const last = line.charCodeAt(line.length - 1);
    const name = first <= 0x20 || last <= 0x20 ? line.trim() : line;
    if (name !== "") names.push(name);
  }
  return names;
}
