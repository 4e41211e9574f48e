// POST /api/v1/competitions/{slug}/models — start uploading an ONNX model: { fileName, size, manifest?, name?, description? } →
// { submissionId, uploadId, partSize, partCount }. Parts go straight to storage through presigned URLs.
import { z } from "zod";
import { entryDetailsShape } from "@/lib/submissions/entry-details";
import { startModelUpload } from "@/lib/submissions/submit-model";
import { apiRoute, jsonBody } from "@/server/api-route";

export const POST = apiRoute<{ slug: string }>(async ({ request, params, actor, database, store }) => {
  const { name, description, ...input } = await jsonBody(
    request,
    z.object({ fileName: z.string().min(1).max(255), size: z.number().int().positive(), manifest: z.record(z.string(), z.unknown()).optional(), ...entryDetailsShape }),
  );
  const client = request.headers.get("x-podium-client");
  const channel = client === "cli" ? "CLI" : client === "web" ? "WEB" : "API";
  return Response.json(await startModelUpload(database, store, actor, params.slug, { ...input, channel, details: { name, description } }), { status: 201 });
});
