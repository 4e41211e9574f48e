// POST /api/v1/competitions/{slug}/teams/join {"code"} — join a team with its invite code.
import { z } from "zod";
import { joinTeamByInvite } from "@/lib/teams/create-team";
import { apiRoute, jsonBody } from "@/server/api-route";

export const POST = apiRoute<{ slug: string }>(async ({ request, params, actor, database }) => {
  const { code } = await jsonBody(request, z.object({ code: z.string().min(1) }));
  const team = await joinTeamByInvite(database.prisma, actor, params.slug, code);
  return { name: team.name };
});
