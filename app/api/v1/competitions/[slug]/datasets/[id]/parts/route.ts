// POST /api/v1/competitions/{slug}/datasets/{id}/parts — presigned URLs for some parts of the upload.
import { z } from "zod";
import { presignDatasetParts } from "@/lib/datasets/dataset-versions";
import { apiRoute, jsonBody } from "@/server/api-route";

export const POST = apiRoute<{ slug: string; id: string }>(async ({ request, params, actor, database, store }) => {
  const input = await jsonBody(request, z.object({ uploadId: z.string().min(1), partNumbers: z.array(z.number().int().min(1).max(10_000)).min(1).max(100) }));
  return { parts: await presignDatasetParts(database.prisma, store, actor, params.slug, params.id, input.uploadId, input.partNumbers) };
});
