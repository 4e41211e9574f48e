// GET /api/v1/competitions/{slug} — settings (the split seed only for organizers); PATCH — change settings.
import { z } from "zod";
import { competitionRoleOf } from "@/lib/auth/actor";
import { competitionUpdateSchema, presentCompetition } from "@/lib/competitions/competition-settings";
import { getCompetitionOrThrow, listOrganizers, updateCompetition } from "@/lib/competitions/manage-competitions";
import { apiRoute, jsonBody } from "@/server/api-route";

export const GET = apiRoute<{ slug: string }>(async ({ params, actor, database }) => {
  const competition = await getCompetitionOrThrow(database.prisma, params.slug);
  const role = await competitionRoleOf(database.prisma, actor, competition.id);
  if (role === "admin" || role === "organizer") {
    return { ...presentCompetition(competition, "organizer"), organizers: await listOrganizers(database.prisma, competition.id) };
  }
  return presentCompetition(competition, "public");
});

export const PATCH = apiRoute<{ slug: string }>(async ({ request, params, actor, database }) => {
  const input = await jsonBody(request, competitionUpdateSchema.extend({ legacyDefault: z.boolean().optional() }).strict());
  const competition = await updateCompetition(database.prisma, actor, params.slug, input);
  return presentCompetition(competition, "organizer");
});
