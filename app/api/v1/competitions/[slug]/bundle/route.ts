// GET /api/v1/competitions/{slug}/bundle — a short-lived download URL of the participant bundle (no labels).
import { participantBundleUrl } from "@/lib/datasets/dataset-versions";
import { apiRoute } from "@/server/api-route";

export const GET = apiRoute<{ slug: string }>(async ({ request, params, actor, database, store }) => {
  const bundle = await participantBundleUrl(database.prisma, store, actor, params.slug);
  if (new URL(request.url).searchParams.get("redirect") === "1") return new Response(null, { status: 303, headers: { location: bundle.url } });
  return bundle;
});
