// POST /api/v1/competitions/{slug}/models/{id}/parts — presigned URLs for some parts of a model upload.
import { z } from "zod";
import { presignModelParts } from "@/lib/submissions/submit-model";
import { apiRoute, jsonBody } from "@/server/api-route";

export const POST = apiRoute<{ slug: string; id: string }>(async ({ request, params, actor, database, store }) => {
  const input = await jsonBody(request, z.object({ uploadId: z.string().min(1), partNumbers: z.array(z.number().int().min(1).max(10_000)).min(1).max(100) }));
  return { parts: await presignModelParts(database, store, actor, params.slug, params.id, input.uploadId, input.partNumbers) };
});
