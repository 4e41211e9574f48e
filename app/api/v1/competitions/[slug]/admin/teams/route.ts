// GET /api/v1/competitions/{slug}/admin/teams — organizers: every team with its size, entries and disqualification.
import { listCompetitionTeams } from "@/lib/organizers/list-competition-teams";
import { apiRoute } from "@/server/api-route";

export const GET = apiRoute<{ slug: string }>(async ({ params, actor, database }) => ({ teams: await listCompetitionTeams(database.prisma, actor, params.slug) }));
