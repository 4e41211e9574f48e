// POST /api/v1/competitions/{slug}/submissions/uploads/{id}/parts — presigned URLs for parts of a results upload.
import { z } from "zod";
import { presignResultsParts } from "@/lib/submissions/results-upload";
import { apiRoute, jsonBody } from "@/server/api-route";

export const POST = apiRoute<{ slug: string; id: string }>(async ({ request, params, actor, database, store }) => {
  const input = await jsonBody(request, z.object({ uploadId: z.string().min(1), partNumbers: z.array(z.number().int().min(1).max(10_000)).min(1).max(100) }));
  return { parts: await presignResultsParts(database, store, actor, params.slug, params.id, input.uploadId, input.partNumbers) };
});
