import { buildError, ProblemCollector } from "./problems";
import type { Outcome, ParsedResults, SubmittedEntry, ValidationError } from "./types";

const decoder = new TextDecoder("utf-8", { fatal: false });

/** Strips leading folders (`test/query/a.jpg` → `a.jpg`), for the list form seen in the wild. */
export function baseName(path: string): string {
  const cut = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return cut === -1 ? path : path.slice(cut + 1);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Line and column of a JSON.parse error, when the engine reports a position. */
function locateJsonError(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const match = /position (\d+)/.exec(message);
  if (!match) return message;
  const position = Number(match[1]);
  const before = text.slice(0, position);
  const line = before.split("\n").length;
  const column = position - before.lastIndexOf("\n");
  return `${message.replace(/\s*\(line \d+ column \d+\)/, "")} (line ${line}, column ${column})`;
}

/**
 * Parses a results file in any of the three formats of PRODUCT.md, tolerating a UTF-8 BOM.
 * Shape problems are reported as values naming the offending entries; this never throws.
 */
export function parseResults(input: string | Uint8Array): Outcome<ParsedResults, ValidationError[]> {
  let text = typeof input === "string" ? input : decoder.decode(input);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === "") return { ok: false, error: [buildError("NOT_JSON", 1, [], "the file is empty")] };

  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: [buildError("NOT_JSON", 1, [], locateJsonError(text, error))] };
  }

  if (Array.isArray(data)) return parseFilenameList(data);
  if (!isPlainObject(data)) {
    const kind = data === null ? "null" : typeof data;
    return {
      ok: false,
      error: [buildError("WRONG_SHAPE", 1, [], `the top level is ${kind}; expected an object mapping each query to a list of gallery files`)],
    };
  }
  if (isLegacyBody(data)) {
    const groupname = data.groupname;
    if (groupname !== undefined && typeof groupname !== "string") {
      return { ok: false, error: [buildError("WRONG_SHAPE", 1, [{ found: describeValue(groupname) }], `"groupname" must be a string`)] };
    }
    const parsed = parsePlainMap(data.images as Record<string, unknown>);
    if (!parsed.ok) return parsed;
    return { ok: true, value: { format: "legacy-body", groupname: groupname ?? null, entries: parsed.value } };
  }
  const parsed = parsePlainMap(data);
  if (!parsed.ok) return parsed;
  return { ok: true, value: { format: "plain-map", groupname: null, entries: parsed.value } };
}

/** `{"groupname": "...", "images": {...}}` — the legacy POST body; no other keys. */
function isLegacyBody(data: Record<string, unknown>): boolean {
  if (!isPlainObject(data.images)) return false;
  for (const key in data) if (key !== "images" && key !== "groupname") return false;
  return true;
}

function parsePlainMap(map: Record<string, unknown>): Outcome<SubmittedEntry[], ValidationError[]> {
  const entries: SubmittedEntry[] = [];
  const problems = new ProblemCollector();
  for (const query in map) {
    const list = map[query];
    if (!Array.isArray(list)) problems.add("WRONG_SHAPE", { query, found: describeValue(list) });
    entries.push({ query, list });
  }
  if (problems.size > 0) return { ok: false, error: withShapeHint(problems, "each query must map to a list of gallery file names") };
  if (entries.length === 0) return { ok: false, error: [buildError("EMPTY_SUBMISSION", 1, [])] };
  return { ok: true, value: entries };
}

function parseFilenameList(items: unknown[]): Outcome<ParsedResults, ValidationError[]> {
  const entries: SubmittedEntry[] = [];
  const problems = new ProblemCollector();
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    if (!isPlainObject(item) || typeof item.filename !== "string" || !Array.isArray(item.gallery_images)) {
      problems.add("WRONG_SHAPE", { position: index + 1, found: describeValue(item) });
      continue;
    }
    const list = item.gallery_images.map((name: unknown) => (typeof name === "string" ? baseName(name) : name));
    entries.push({ query: baseName(item.filename), list });
  }
  if (problems.size > 0) {
    return { ok: false, error: withShapeHint(problems, 'each item must be {"filename": "...", "gallery_images": [...]}') };
  }
  if (entries.length === 0) return { ok: false, error: [buildError("EMPTY_SUBMISSION", 1, [])] };
  return { ok: true, value: { format: "filename-list", groupname: null, entries } };
}

function withShapeHint(problems: ProblemCollector, hint: string): ValidationError[] {
  return problems.toErrors().map((error) => buildError(error.code, error.count, error.examples, hint));
}

/** A short rendering of an unexpected value for an error message. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return `a string (${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)})`;
  return `a ${typeof value} (${String(value)})`;
}
