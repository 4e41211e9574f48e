import type { ProblemExample, ValidationCode, ValidationError } from "./types";

/** Each error names at most this many offending entries, plus the total count. */
export const MAX_EXAMPLES = 20;

/** Collects the offending entries of one kind of problem: the first MAX_EXAMPLES in file order, and the count. */
export class ProblemCollector {
  private readonly byCode = new Map<ValidationCode, { count: number; examples: ProblemExample[] }>();

  add(code: ValidationCode, example: ProblemExample): void {
    let bucket = this.byCode.get(code);
    if (!bucket) {
      bucket = { count: 0, examples: [] };
      this.byCode.set(code, bucket);
    }
    bucket.count += 1;
    if (bucket.examples.length < MAX_EXAMPLES) bucket.examples.push(example);
  }

  get size(): number {
    return this.byCode.size;
  }

  /** Builds the errors in a stable order (the order of `describe`'s keys). */
  toErrors(): ValidationError[] {
    const errors: ValidationError[] = [];
    for (const code of Object.keys(DESCRIPTIONS) as ValidationCode[]) {
      const bucket = this.byCode.get(code);
      if (bucket) errors.push(buildError(code, bucket.count, bucket.examples));
    }
    return errors;
  }
}

const DESCRIPTIONS: Record<ValidationCode, { one: string; many: string }> = {
  NOT_JSON: { one: "the file is not valid JSON", many: "the file is not valid JSON" },
  WRONG_SHAPE: { one: "1 entry has the wrong shape", many: "{n} entries have the wrong shape" },
  EMPTY_SUBMISSION: { one: "the submission lists no queries", many: "the submission lists no queries" },
  DUPLICATE_QUERY: { one: "1 query is listed more than once", many: "{n} queries are listed more than once" },
  UNKNOWN_QUERY: { one: "1 query is not in the test set", many: "{n} queries are not in the test set" },
  NOT_A_STRING: { one: "1 list entry is not a file name string", many: "{n} list entries are not file name strings" },
  UNKNOWN_GALLERY: { one: "1 list entry names a file not in the gallery", many: "{n} list entries name files not in the gallery" },
  DUPLICATE_IN_LIST: { one: "1 list entry repeats an earlier entry of its list", many: "{n} list entries repeat an earlier entry of their list" },
  TOO_MANY_ENTRIES: { one: "1 list is too long", many: "{n} lists are too long" },
  MISSING_QUERIES: { one: "1 query of the test set is missing", many: "{n} queries of the test set are missing" },
};

export function describeExample(example: ProblemExample): string {
  const parts: string[] = [];
  if (example.query !== undefined) parts.push(`query ${JSON.stringify(example.query)}`);
  if (example.position !== undefined) parts.push(`position ${example.position}`);
  if (example.value !== undefined) parts.push(JSON.stringify(example.value));
  if (example.found !== undefined) parts.push(`found ${example.found}`);
  return parts.join(", ");
}

export function buildError(code: ValidationCode, count: number, examples: ProblemExample[], detail?: string): ValidationError {
  const description = DESCRIPTIONS[code];
  let message = count === 1 ? description.one : description.many.replace("{n}", String(count));
  if (detail) message += ` (${detail})`;
  if (examples.length > 0) {
    const shown = examples.map(describeExample).join("; ");
    message += count > examples.length ? `: first ${examples.length} of ${count}: ${shown}` : `: ${shown}`;
  }
  return { code, message, count, examples };
}

/** One line per error, the way the CLI and the legacy endpoint print them. */
export function formatValidationErrors(errors: readonly ValidationError[]): string {
  return errors.map((error) => error.message).join("\n");
}
