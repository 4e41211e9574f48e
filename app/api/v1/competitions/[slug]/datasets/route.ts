// GET /api/v1/competitions/{slug}/datasets — versions with validation reports (organizers);
// POST — start a multipart upload of a dataset archive straight to storage.
import { z } from "zod";
import { listDatasetVersions, startDatasetUpload } from "@/lib/datasets/dataset-versions";
import { apiRoute, jsonBody } from "@/server/api-route";

export const GET = apiRoute<{ slug: string }>(async ({ params, actor, database }) => ({ versions: await listDatasetVersions(database.prisma, actor, params.slug) }));

export const POST = apiRoute<{ slug: string }>(async ({ request, params, actor, database, store }) => {
  const input = await jsonBody(request, z.object({ fileName: z.string().min(1), size: z.number().int().positive() }));
  return Response.json(await startDatasetUpload(database.prisma, store, actor, params.slug, input), { status: 201 });
});
