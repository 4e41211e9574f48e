// POST /api/v1/competitions/{slug}/models/{id}/complete — finish the upload; the model is checked (static checks
// and a dry run) and queued, or refused with the reason, before any quota is used.
import { z } from "zod";
import { getSubmissionForActor } from "@/lib/submissions/list-submissions";
import { completeModelUpload } from "@/lib/submissions/submit-model";
import { apiRoute, jsonBody } from "@/server/api-route";
import { modelCheckSettings, modelOutcomeResponse } from "@/server/model-checks";

export const POST = apiRoute<{ slug: string; id: string }>(async ({ request, params, actor, database, store }) => {
  const input = await jsonBody(
    request,
    z.object({ uploadId: z.string().min(1), parts: z.array(z.object({ partNumber: z.number().int().min(1), etag: z.string().min(1) })).min(1), manifest: z.record(z.string(), z.unknown()).optional() }),
  );
  const outcome = await completeModelUpload(database, store, actor, params.slug, params.id, input, modelCheckSettings());
  return modelOutcomeResponse(outcome, await getSubmissionForActor(database.prisma, actor, params.slug, outcome.submissionId));
});
