// POST /api/v1/competitions/{slug}/admin/teams/{id}/disqualify {"reason"} — organizers: the team leaves the
// leaderboards and cannot submit until it is re-instated (audited).
import { disqualifySchema, disqualifyTeam } from "@/lib/organizers/disqualify-team";
import { apiRoute, jsonBody } from "@/server/api-route";

export const POST = apiRoute<{ slug: string; id: string }>(async ({ request, params, actor, database }) => {
  const { reason } = await jsonBody(request, disqualifySchema);
  return { team: await disqualifyTeam(database.prisma, actor, params.slug, params.id, reason) };
});
