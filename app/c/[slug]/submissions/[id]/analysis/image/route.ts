// GET /c/{slug}/submissions/{id}/analysis/image?set=query|gallery&name=… — a thumbnail for the visual analysis.
// Organizers: any image of the dataset version. The team: its public queries and the gallery files its own top 10
// lists for them (none in a model-only competition). Anything else is one indistinct 404.
import { analysisImageSchema } from "@/lib/analysis/analysis-options";
import { getAnalysisImage } from "@/lib/analysis/get-analysis-image";
import { apiRoute } from "@/server/api-route";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ slug: string; id: string }>(async ({ request, params, actor, database, store }) => {
  const image = analysisImageSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const { body, contentType } = await getAnalysisImage(database.prisma, store, actor, params.slug, params.id, image);
  return new Response(new Uint8Array(body), {
    headers: { "content-type": contentType, "cache-control": "private, max-age=3600", "x-content-type-options": "nosniff", "content-security-policy": "default-src 'none'" },
  });
});
