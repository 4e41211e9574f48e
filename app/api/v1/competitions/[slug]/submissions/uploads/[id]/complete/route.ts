// POST /api/v1/competitions/{slug}/submissions/uploads/{id}/complete — finish a results upload: the file is validated,
// scored and counted as one posted in the body (201 scored, 422 invalid, 429 over quota, 202 waiting for a worker).
// A name or description given here replaces the one given at the start (a resumed upload's newer ones).
import { z } from "zod";
import { entryDetailsShape } from "@/lib/submissions/entry-details";
import { getSubmissionForActor } from "@/lib/submissions/list-submissions";
import { completeResultsUpload } from "@/lib/submissions/results-upload";
import { apiRoute, jsonBody } from "@/server/api-route";
import { submissionResponse } from "@/server/submission-response";

export const POST = apiRoute<{ slug: string; id: string }>(async ({ request, params, actor, database, store }) => {
  const { name, description, ...input } = await jsonBody(
    request,
    z.object({ uploadId: z.string().min(1), parts: z.array(z.object({ partNumber: z.number().int().min(1), etag: z.string().min(1) })).min(1), ...entryDetailsShape }),
  );
  const outcome = await completeResultsUpload(database, store, actor, params.slug, params.id, { ...input, details: { name, description } });
  return submissionResponse(outcome, await getSubmissionForActor(database.prisma, actor, params.slug, outcome.submissionId));
});
