// POST /api/v1/competitions/{slug}/datasets/{id}/complete — finish the upload and start validation.
import { z } from "zod";
import { completeDatasetUpload, startDatasetValidation } from "@/lib/datasets/dataset-versions";
import { jobWakeUp } from "@/lib/queue/wake-up";
import { apiRoute, jsonBody } from "@/server/api-route";

export const POST = apiRoute<{ slug: string; id: string }>(async ({ request, params, actor, database, store }) => {
  const input = await jsonBody(request, z.object({ uploadId: z.string().min(1), parts: z.array(z.object({ partNumber: z.number().int().min(1), etag: z.string().min(1) })).min(1) }));
  const version = await completeDatasetUpload(database.prisma, store, actor, params.slug, params.id, input.uploadId, input.parts);
  // In this process on the embedded defaults, as a CPU task on AWS; either way it never leaves the version stuck.
  await startDatasetValidation(database, store, version.id, jobWakeUp());
  return Response.json({ id: version.id, number: version.number, status: version.status }, { status: 202 });
});
