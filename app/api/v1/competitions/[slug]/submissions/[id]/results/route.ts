// GET /api/v1/competitions/{slug}/submissions/{id}/results — the top-10 file a model entry generated (its team and
// the organizers only): a redirect to a short-lived download URL, or for a team before private numbers are shown,
// the file cut to the public queries (refused in a model-only competition until the reveal).
import { generatedResultsDownload } from "@/lib/submissions/list-submissions";
import { apiRoute } from "@/server/api-route";

export const GET = apiRoute<{ slug: string; id: string }>(async ({ params, actor, database, store }) => {
  const download = await generatedResultsDownload(database.prisma, store, actor, params.slug, params.id);
  if (download.kind === "redirect") return new Response(null, { status: 302, headers: { location: download.url } });
  return new Response(download.body, {
    headers: { "content-type": "application/json", "content-disposition": `attachment; filename="${download.fileName}"`, "cache-control": "private, no-store", "x-content-type-options": "nosniff" },
  });
});
