// GET /api/v1/competitions/{slug}/submissions/{id}/results — the top-10 file a model entry generated (its team and
// the organizers only): a redirect to a short-lived download URL.
import { generatedResultsUrl } from "@/lib/submissions/list-submissions";
import { apiRoute } from "@/server/api-route";

export const GET = apiRoute<{ slug: string; id: string }>(async ({ params, actor, database, store }) => {
  const url = await generatedResultsUrl(database.prisma, store, actor, params.slug, params.id);
  return Response.redirect(url, 302);
});
