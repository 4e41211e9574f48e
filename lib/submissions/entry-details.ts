import { z } from "zod";

// A team's name and description of an entry (issue 15, like EvalAI's method name): participant text that organizers
// read, so it is plain text and bounded. One set of schemas for every door — the browser forms, the API's multipart
// fields and JSON bodies, the PATCH that renames an entry, the CLI's flags — so a refusal reads the same everywhere
// and names its field. Blank means "none": a form's empty field sends "", which leaves the entry unnamed (or, in a
// PATCH, clears the name).

export const ENTRY_NAME_MAX = 100;
export const ENTRY_DESCRIPTION_MAX = 2000;

/** C0 and C1 controls (line breaks and tabs among them). */
const CONTROL = /\p{Cc}/u;
/** Controls other than the line feed and the tab, which a description may hold. */
const CONTROL_BUT_LINES = /[^\P{Cc}\n\t]/u;
/** Text-direction controls: they reorder how the text around them is displayed (a name could spoof another). */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/u;

/** Characters (code points, as a reader counts them), not UTF-16 units. */
const characterCount = (text: string) => [...text].length;

/** The entry's name: trimmed, 1–100 characters, one line, no control characters. Blank is no name (null). */
export const entryNameSchema = z
  .string({ error: "must be text" })
  .transform((value) => value.trim())
  .superRefine((value, context) => {
    if (CONTROL.test(value)) context.addIssue({ code: "custom", message: "cannot contain control characters (line breaks, tabs …)" });
    if (BIDI_CONTROLS.test(value)) context.addIssue({ code: "custom", message: "cannot contain text-direction control characters" });
    const count = characterCount(value);
    if (count > ENTRY_NAME_MAX) context.addIssue({ code: "custom", message: `is at most ${ENTRY_NAME_MAX} characters (this one has ${count})` });
  })
  .transform((value) => (value === "" ? null : value));

/**
 * The entry's description (method, links): plain text up to 2,000 characters, line breaks kept (CRLF read as LF, as
 * a browser's textarea sends it), no other control characters. Never HTML: pages show it as text, with URLs linked.
 */
export const entryDescriptionSchema = z
  .string({ error: "must be text" })
  .transform((value) => value.replace(/\r\n?/g, "\n").trim())
  .superRefine((value, context) => {
    if (CONTROL_BUT_LINES.test(value)) context.addIssue({ code: "custom", message: "cannot contain control characters other than line breaks and tabs" });
    if (BIDI_CONTROLS.test(value)) context.addIssue({ code: "custom", message: "cannot contain text-direction control characters" });
    const count = characterCount(value);
    if (count > ENTRY_DESCRIPTION_MAX) context.addIssue({ code: "custom", message: `is at most ${ENTRY_DESCRIPTION_MAX.toLocaleString("en")} characters (this one has ${count.toLocaleString("en")})` });
  })
  .transform((value) => (value === "" ? null : value));

/**
 * Name and description as a door receives them. Absent (undefined) means "not given" — a new entry is then unnamed,
 * a PATCH leaves it as it is; null or blank means "none".
 */
export const entryDetailsShape = {
  name: entryNameSchema.nullish(),
  description: entryDescriptionSchema.nullish(),
};
export const entryDetailsSchema = z.object(entryDetailsShape);

export type EntryDetails = z.output<typeof entryDetailsSchema>;

const FIELD_LABELS: Record<string, string> = { name: "Entry name", description: "Description" };

/** Why a form's name and description would be refused ("Entry name: is at most 100 characters …"), or null. */
export function entryDetailsProblem(input: { name: string; description: string }): string | null {
  const checked = entryDetailsSchema.safeParse(input);
  if (checked.success) return null;
  return checked.error.issues.map((issue) => `${FIELD_LABELS[String(issue.path[0])] ?? String(issue.path[0])}: ${issue.message}`).join("\n");
}

/** A new entry's columns: what was not given is null. */
export function entryDetailsColumns(details: EntryDetails | undefined): { name: string | null; description: string | null } {
  return { name: details?.name ?? null, description: details?.description ?? null };
}

/**
 * SQL assignments that set the name and description only where given (numbered from `first`: four parameters, see
 * entryDetailsValues), for a completing upload whose start may have named the entry already.
 */
export function entryDetailsAssignments(first: number): string {
  return `name = CASE WHEN $${first}::boolean THEN $${first + 1}::text ELSE name END, description = CASE WHEN $${first + 2}::boolean THEN $${first + 3}::text ELSE description END`;
}

/** The four parameters of entryDetailsAssignments. */
export function entryDetailsValues(details: EntryDetails | undefined): [boolean, string | null, boolean, string | null] {
  return [details?.name !== undefined, details?.name ?? null, details?.description !== undefined, details?.description ?? null];
}

/** Validates text fields of a form or multipart body (only `name` and `description` are read; others are ignored). */
export function parseEntryDetailsFields(fields: Record<string, string | undefined>): EntryDetails {
  return entryDetailsSchema.parse({ name: fields.name, description: fields.description });
}

/** A piece of a description: text, or a link to show for a URL in it. */
export type DescriptionPiece = { kind: "text"; text: string } | { kind: "link"; text: string; href: string };

/** http(s) URLs; trailing punctuation of the sentence around them is left out. */
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const TRAILING_PUNCTUATION = new Set([".", ",", ";", ":", "!", "?", ")", "]", "}", "'", '"', "»", "”", "’"]);

/** "see https://x.org/a." links https://x.org/a; a closing parenthesis stays when the URL opened one (Wikipedia). */
function trimTrailingPunctuation(url: string): string {
  let end = url.length;
  while (end > 0 && TRAILING_PUNCTUATION.has(url[end - 1]!)) {
    const head = url.slice(0, end);
    if (url[end - 1] === ")" && (head.match(/\(/g)?.length ?? 0) >= (head.match(/\)/g)?.length ?? 0)) break;
    end--;
  }
  return url.slice(0, end);
}

/**
 * Splits a description into text and links for display: only http and https URLs become links (never javascript:
 * or data:), each as its own text. The pieces are rendered as React text and anchors, so nothing in the description
 * is ever read as HTML.
 */
export function descriptionPieces(description: string): DescriptionPiece[] {
  const pieces: DescriptionPiece[] = [];
  let at = 0;
  for (const match of description.matchAll(URL_PATTERN)) {
    const url = trimTrailingPunctuation(match[0]);
    let href: string;
    try {
      const parsed = new URL(url);
      if (parsed.protocol !== "http:" && parsed.protocol !== "https:") continue;
      href = parsed.href;
    } catch {
      continue;
    }
    const start = match.index;
    if (start > at) pieces.push({ kind: "text", text: description.slice(at, start) });
    pieces.push({ kind: "link", text: url, href });
    at = start + url.length;
  }
  if (at < description.length) pieces.push({ kind: "text", text: description.slice(at) });
  return pieces;
}
