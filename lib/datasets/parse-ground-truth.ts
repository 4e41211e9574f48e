import type { Outcome } from "../scoring/types";
import { baseName } from "../scoring/parse-results";

/** Ground truth as scoring wants it: query file name → matching gallery file names. */
export type GroundTruth = Map<string, string[]>;

/** `ground_truth.json`: `{"<query file>": ["<gallery file>", …]}`; a single string is accepted as a one-item list. */
export function parseGroundTruthJson(text: string): Outcome<GroundTruth, string[]> {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: [`ground_truth.json is not valid JSON: ${error instanceof Error ? error.message : String(error)}`] };
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return { ok: false, error: ["ground_truth.json must be an object mapping each query file to a list of gallery files"] };
  }
  const truth: GroundTruth = new Map();
  const problems: string[] = [];
  const map = data as Record<string, unknown>;
  // Object.keys is much cheaper than for…in on an object with 100,000 keys.
  for (const query of Object.keys(map)) {
    const value = map[query];
    const list = typeof value === "string" ? [value] : value;
    if (!Array.isArray(list)) {
      problems.push(`ground_truth.json: query ${JSON.stringify(query)} must map to a list of gallery file names`);
      continue;
    }
    let names = list as string[];
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      if (typeof name !== "string") {
        problems.push(`ground_truth.json: query ${JSON.stringify(query)} must map to a list of gallery file names`);
        names = [];
        break;
      }
      // Folder prefixes are stripped; most names have none, so the copy is made only when needed.
      if (hasFolder(name)) {
        if (names === list) names = [...names];
        names[i] = baseName(name);
      }
    }
    truth.set(hasFolder(query) ? baseName(query) : query, names);
  }
  return problems.length > 0 ? { ok: false, error: problems } : { ok: true, value: truth };
}

function hasFolder(name: string): boolean {
  return name.indexOf("/") !== -1 || name.indexOf("\\") !== -1;
}

/** Splits one CSV line, honouring double quotes (`"a,b"`, `""` for a quote). */
export function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      cells.push(cell);
      cell = "";
    } else cell += char;
  }
  cells.push(cell);
  return cells;
}

/**
 * `labels.csv`: rows `file,identity` for `query/…` and `gallery/…` files (an optional header row). Every gallery file
 * with a query's identity is a match. Rows for `training/…` are ignored here.
 */
export function parseLabelsCsv(text: string): Outcome<GroundTruth, string[]> {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const problems: string[] = [];
  const queryIdentity = new Map<string, string>();
  const galleryByIdentity = new Map<string, string[]>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "") continue;
    const cells = splitCsvLine(line).map((cell) => cell.trim());
    if (i === 0 && cells[0]?.toLowerCase() === "file") continue;
    if (cells.length < 2 || cells[0] === "" || cells[1] === "") {
      problems.push(`labels.csv line ${i + 1}: expected "file,identity", found ${JSON.stringify(line.slice(0, 80))}`);
      continue;
    }
    const [path, identity] = cells as [string, string];
    const normalized = path.replace(/\\/g, "/").replace(/^\.?\//, "");
    if (normalized.startsWith("query/")) {
      const name = baseName(normalized);
      if (queryIdentity.has(name)) problems.push(`labels.csv line ${i + 1}: query ${JSON.stringify(name)} is labelled twice`);
      queryIdentity.set(name, identity);
    } else if (normalized.startsWith("gallery/")) {
      const list = galleryByIdentity.get(identity) ?? [];
      list.push(baseName(normalized));
      galleryByIdentity.set(identity, list);
    } else if (!normalized.startsWith("training/")) {
      problems.push(`labels.csv line ${i + 1}: ${JSON.stringify(path)} is not under query/, gallery/ or training/`);
    }
  }
  if (problems.length > 0) return { ok: false, error: problems };
  const truth: GroundTruth = new Map();
  for (const [query, identity] of queryIdentity) truth.set(query, galleryByIdentity.get(identity) ?? []);
  return { ok: true, value: truth };
}
