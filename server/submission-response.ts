import type { getSubmissionForActor } from "@/lib/submissions/list-submissions";
import type { SubmitOutcome } from "@/lib/submissions/submit-results";

/** The HTTP answer to a results file's outcome, the same whether it came in the body or through an upload. */
export function submissionResponse(outcome: SubmitOutcome, submission: Awaited<ReturnType<typeof getSubmissionForActor>>): Response {
  switch (outcome.kind) {
    case "scored":
      return Response.json({ submission }, { status: 201 });
    case "invalid":
      return Response.json({ error: { code: "INVALID_SUBMISSION", message: outcome.errors.map((error) => error.message).join("\n") }, submission }, { status: 422 });
    case "quota":
      return Response.json({ error: { code: "QUOTA_EXCEEDED", message: outcome.message, resetsAt: outcome.resetsAt?.toISOString() ?? null }, submission }, { status: 429 });
    case "queued":
      return Response.json({ submission, message: outcome.message }, { status: 202 });
  }
}
