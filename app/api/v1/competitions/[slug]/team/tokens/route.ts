// GET /api/v1/competitions/{slug}/team/tokens — your team's tokens (never their secrets); POST {"name"} — create one,
// shown once. Members of the team only.
import { z } from "zod";
import { createTeamToken, listTeamTokens } from "@/lib/teams/team-tokens";
import { apiRoute, jsonBody } from "@/server/api-route";

export const GET = apiRoute<{ slug: string }>(async ({ params, actor, database }) => listTeamTokens(database.prisma, actor, params.slug));

export const POST = apiRoute<{ slug: string }>(async ({ request, params, actor, database }) => {
  const { name } = await jsonBody(request, z.object({ name: z.string() }));
  return Response.json(await createTeamToken(database.prisma, actor, params.slug, name), { status: 201 });
});
