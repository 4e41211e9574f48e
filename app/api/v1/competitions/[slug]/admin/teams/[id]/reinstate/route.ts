// POST /api/v1/competitions/{slug}/admin/teams/{id}/reinstate — organizers: lift a disqualification (audited).
import { reinstateTeam } from "@/lib/organizers/reinstate-team";
import { apiRoute } from "@/server/api-route";

export const POST = apiRoute<{ slug: string; id: string }>(async ({ params, actor, database }) => ({ team: await reinstateTeam(database.prisma, actor, params.slug, params.id) }));
