// POST /api/v1/competitions/{slug}/submissions/uploads — start sending a results file straight to storage:
// { fileName?, size, name?, description? } → { submissionId, uploadId, partSize, partCount }. For files larger than a request body may be
// (6 MB through a Lambda function URL); nothing is counted until the upload is completed and the file scored.
import { z } from "zod";
import { entryDetailsShape } from "@/lib/submissions/entry-details";
import { startResultsUpload } from "@/lib/submissions/results-upload";
import { apiRoute, jsonBody } from "@/server/api-route";

export const POST = apiRoute<{ slug: string }>(async ({ request, params, actor, database, store }) => {
  const { name, description, ...input } = await jsonBody(request, z.object({ fileName: z.string().min(1).max(255).nullable().default(null), size: z.number().int().positive(), ...entryDetailsShape }));
  const client = request.headers.get("x-podium-client");
  const channel = client === "cli" ? "CLI" : client === "web" ? "WEB" : "API";
  return Response.json(await startResultsUpload(database, store, actor, params.slug, { ...input, channel, details: { name, description } }), { status: 201 });
});
