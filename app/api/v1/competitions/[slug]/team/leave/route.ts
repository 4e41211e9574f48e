// POST /api/v1/competitions/{slug}/team/leave — leave your team (its entries stay on the board).
import { leaveTeam } from "@/lib/teams/create-team";
import { apiRoute } from "@/server/api-route";

export const POST = apiRoute<{ slug: string }>(async ({ params, actor, database }) => ({ left: (await leaveTeam(database.prisma, actor, params.slug)).name }));
