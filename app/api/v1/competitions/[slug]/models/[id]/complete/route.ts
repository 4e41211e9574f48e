// POST /api/v1/competitions/{slug}/models/{id}/complete — finish the upload; the model's checks (static checks and
// a dry run) are queued as a job, and the entry is "checking" until they queue it for scoring or refuse it (no quota
// used). Poll GET …/submissions/{id}. A name or description given here replaces the one given at the start.
import { z } from "zod";
import { jobWakeUp } from "@/lib/queue/wake-up";
import { entryDetailsShape } from "@/lib/submissions/entry-details";
import { getSubmissionForActor } from "@/lib/submissions/list-submissions";
import { completeModelUpload } from "@/lib/submissions/submit-model";
import { apiRoute, jsonBody } from "@/server/api-route";

export const POST = apiRoute<{ slug: string; id: string }>(async ({ request, params, actor, database, store }) => {
  const { name, description, ...input } = await jsonBody(
    request,
    z.object({
      uploadId: z.string().min(1),
      parts: z.array(z.object({ partNumber: z.number().int().min(1), etag: z.string().min(1) })).min(1),
      manifest: z.record(z.string(), z.unknown()).optional(),
      ...entryDetailsShape,
    }),
  );
  const outcome = await completeModelUpload(database, store, actor, params.slug, params.id, { ...input, details: { name, description } }, jobWakeUp());
  return Response.json({ submission: await getSubmissionForActor(database.prisma, actor, params.slug, outcome.submissionId) }, { status: 202 });
});
