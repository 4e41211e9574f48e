// Which entries an organizer may re-run, and why not the others. Pure, shared by the dashboard (to offer the
// button) and rerunSubmission (to refuse).

export type RerunnableSubmission = { kind: "RESULTS" | "MODEL"; status: string };

export function rerunRefusal(submission: RerunnableSubmission): string | null {
  switch (submission.status) {
    case "SCORED":
    case "FAILED":
      return null;
    case "INVALID":
      // A results file can become valid against a corrected dataset (a gallery file that was missing, say).
      return submission.kind === "RESULTS" ? null : "this model entry failed its checks: there is nothing to run again";
    case "CANCELLED":
      return "this entry was refused by the quota: re-running it would get around the quota";
    default:
      return "this entry is still waiting or being scored";
  }
}
