// POST /api/v1/competitions/{slug}/submissions — submit a results file (multipart "file" or the raw JSON body), with
// an optional Idempotency-Key header (a retry with it returns the first attempt's entry); a multipart body may also
// carry the entry's "name" and "description" fields (lib/submissions/entry-details.ts);
// GET — the caller's team's submissions.
import { createHash } from "node:crypto";
import { getCompetitionOrThrow } from "@/lib/competitions/manage-competitions";
import { getSubmissionForActor, listTeamSubmissions } from "@/lib/submissions/list-submissions";
import { claimIdempotencyKey, idempotencyKeyOf, recordIdempotentEntry } from "@/lib/submissions/idempotent-submission";
import { parseEntryDetailsFields, type EntryDetails } from "@/lib/submissions/entry-details";
import { submitResults } from "@/lib/submissions/submit-results";
import { teamOfActorOrThrow } from "@/lib/teams/create-team";
import { apiRoute } from "@/server/api-route";
import { submissionResponse } from "@/server/submission-response";
import { readMultipartFile } from "@/lib/api/read-multipart-file";
import { MAX_RESULTS_FILE_BYTES, readBodyLimited } from "@/lib/api/read-body";

export const POST = apiRoute<{ slug: string }>(async ({ request, params, actor, database, store }) => {
  const competition = await getCompetitionOrThrow(database.prisma, params.slug);
  const team = await teamOfActorOrThrow(database.prisma, actor, competition);
  let bytes: Uint8Array;
  let fileName: string | null = null;
  let details: EntryDetails | undefined;
  if ((request.headers.get("content-type") ?? "").startsWith("multipart/form-data")) {
    let fields: Record<string, string>;
    ({ bytes, fileName, fields } = await readMultipartFile(request, { field: "file", limit: MAX_RESULTS_FILE_BYTES }));
    // Refused before anything is stored or counted, naming the field.
    details = parseEntryDetailsFields(fields);
  } else {
    bytes = await readBodyLimited(request, MAX_RESULTS_FILE_BYTES);
  }
  // A retry with the Idempotency-Key of an attempt that recorded its entry gets that entry back, and costs nothing.
  const idempotencyKey = idempotencyKeyOf(request.headers);
  if (idempotencyKey) {
    const claim = await claimIdempotencyKey(database.prisma, { teamId: team.id, key: idempotencyKey, requestSha256: createHash("sha256").update(bytes).digest("hex") });
    if (claim.kind === "replay") return replayedEntry(await getSubmissionForActor(database.prisma, actor, params.slug, claim.submissionId));
  }
  const client = request.headers.get("x-podium-client");
  const channel = client === "cli" ? "CLI" : client === "web" ? "WEB" : "API";
  const outcome = await submitResults(database, store, { competitionId: competition.id, competition, teamId: team.id, userId: actor!.userId, channel, bytes, fileName, details });
  if (idempotencyKey) await recordIdempotentEntry(database.prisma, { teamId: team.id, key: idempotencyKey, submissionId: outcome.submissionId });
  const submission = await getSubmissionForActor(database.prisma, actor, params.slug, outcome.submissionId);
  return submissionResponse(outcome, submission);
});

/** The first attempt's entry, answered with the status that attempt got (header Idempotent-Replayed: true). */
function replayedEntry(submission: Awaited<ReturnType<typeof getSubmissionForActor>>): Response {
  const headers = { "idempotent-replayed": "true" };
  const error = (code: string) => ({ code, message: submission.error ?? "" });
  switch (submission.status) {
    case "scored":
      return Response.json({ submission }, { status: 201, headers });
    case "invalid":
      return Response.json({ error: error("INVALID_SUBMISSION"), submission }, { status: 422, headers });
    case "cancelled":
      return Response.json({ error: error("QUOTA_EXCEEDED"), submission }, { status: 429, headers });
    default:
      return Response.json({ submission, message: "received earlier with this Idempotency-Key; see its status" }, { status: 202, headers });
  }
}

export const GET = apiRoute<{ slug: string }>(async ({ params, actor, database }) => listTeamSubmissions(database.prisma, actor, params.slug));
