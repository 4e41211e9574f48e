// POST /api/v1/competitions/{slug}/teams {"name"} — create a team (its name is the legacy groupname) with the caller as captain.
import { z } from "zod";
import { createTeam } from "@/lib/teams/create-team";
import { apiRoute, jsonBody } from "@/server/api-route";

export const POST = apiRoute<{ slug: string }>(async ({ request, params, actor, database }) => {
  const { name } = await jsonBody(request, z.object({ name: z.string() }));
  const team = await createTeam(database.prisma, actor, params.slug, name);
  return Response.json({ name: team.name, inviteCode: team.inviteCode }, { status: 201 });
});
