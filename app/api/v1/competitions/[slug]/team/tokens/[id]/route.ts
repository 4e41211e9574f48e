// DELETE /api/v1/competitions/{slug}/team/tokens/{id} — revoke one of your team's tokens.
import { revokeTeamToken } from "@/lib/teams/team-tokens";
import { apiRoute } from "@/server/api-route";

export const DELETE = apiRoute<{ slug: string; id: string }>(async ({ params, actor, database }) => revokeTeamToken(database.prisma, actor, params.slug, params.id));
