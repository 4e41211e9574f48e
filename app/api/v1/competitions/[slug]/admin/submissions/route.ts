// GET /api/v1/competitions/{slug}/admin/submissions?status=&kind=&team=&q=&page=&pageSize= — organizers: every
// submission of the competition, newest first, with every split's score.
import { listCompetitionSubmissions, submissionFiltersSchema } from "@/lib/organizers/list-competition-submissions";
import { apiRoute } from "@/server/api-route";

export const GET = apiRoute<{ slug: string }>(async ({ request, params, actor, database }) => {
  const filters = submissionFiltersSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return listCompetitionSubmissions(database.prisma, actor, params.slug, filters);
});
