// What a team is told when its model's run on hidden data fails. A model sees every hidden image, so any text it can
// steer (onnxruntime's message with a shape computed from pixels, the index of the image that produced NaN) is a
// channel out of the hidden set (docs THREATS.md). The team gets a fixed text per phase × category, stored as a code
// on the submission (`failureCode`); the full reason stays in `error`, for organizers.

export const FAILURE_PHASES = ["loading", "queries", "gallery", "ranking", "run"] as const;
export type FailurePhase = (typeof FAILURE_PHASES)[number];

export const FAILURE_CATEGORIES = [
  "invalid-shape",
  "invalid-type",
  "missing-output",
  "non-finite-output",
  "embedding-size-changed",
  "runtime-error",
  "crashed",
  "out-of-memory",
  "timed-out",
  "platform",
] as const;
export type FailureCategory = (typeof FAILURE_CATEGORIES)[number];

const PHASE_TEXT: Record<FailurePhase, string> = {
  loading: "while onnxruntime loaded it",
  queries: "while embedding the queries",
  gallery: "while embedding the gallery",
  ranking: "while ranking",
  run: "during its run",
};

const CATEGORY_TEXT: Record<Exclude<FailureCategory, "timed-out" | "platform">, string> = {
  "invalid-shape": " (onnxruntime: invalid shape)",
  "invalid-type": " (onnxruntime: invalid type)",
  "missing-output": ": it did not produce its declared output as an [N, D] float tensor",
  "non-finite-output": ": it produced NaN or infinite values",
  "embedding-size-changed": ": its embedding size changed between batches",
  "runtime-error": " (onnxruntime error)",
  crashed: ": it crashed onnxruntime",
  "out-of-memory": ": it used more than the memory limit",
};

/** A submission's failure code: `phase.category`, e.g. "gallery.invalid-shape". */
export function failureCode(phase: FailurePhase, category: FailureCategory): string {
  // Which phase a platform fault or a timeout hit says nothing useful to the team; one text each.
  if (category === "platform" || category === "timed-out") return `run.${category}`;
  return `${phase}.${category}`;
}

/** The fixed text a team sees for a failure code; a generic one for a code it does not know (older rows). */
export function teamFailureMessage(code: string): string {
  const [phase, category] = code.split(".") as [FailurePhase, FailureCategory];
  if (category === "platform") return "the run stopped because of a fault on our side; it does not count toward your quota";
  if (category === "timed-out") return "the model ran out of its time budget";
  if (!FAILURE_PHASES.includes(phase) || !(category in CATEGORY_TEXT)) return "the model failed during its run";
  return `the model failed ${PHASE_TEXT[phase]}${CATEGORY_TEXT[category as keyof typeof CATEGORY_TEXT]}`;
}

/**
 * The category of an onnxruntime error message. Only the category leaves this function: the message itself may carry
 * values the graph computed from hidden pixels.
 */
export function classifyRuntimeMessage(message: string): FailureCategory {
  if (/bad_alloc|out of memory|failed to allocate|memory allocation/i.test(message)) return "out-of-memory";
  if (/shape|reshape|dimension|dims|rank|broadcast|axis|size mismatch|index .* out of (bounds|range)|indices/i.test(message)) return "invalid-shape";
  if (/type|dtype|tensor\(\w+\)|element_type|cast/i.test(message)) return "invalid-type";
  return "runtime-error";
}

/** The sandbox phase a progress report names, as a failure phase. */
export function failurePhaseOf(sandboxPhase: string | null | undefined): FailurePhase {
  switch (sandboxPhase) {
    case "loading model":
      return "loading";
    case "embedding queries":
      return "queries";
    case "embedding gallery":
      return "gallery";
    case "ranking":
    case "writing results":
      return "ranking";
    default:
      return "run";
  }
}
