// GET /api/v1/competitions/{slug} — settings (the split seed only for organizers); PATCH — change settings (a change
// of what scores mean under scored entries needs "confirmRescore": true, and then rescores every entry); DELETE —
// delete it with everything in it (a competition that is not a rehearsal only with ?force=true).
import { z } from "zod";
import { AppError } from "@/lib/errors/app-error";
import { competitionRoleOf } from "@/lib/auth/actor";
import { competitionUpdateSchema, presentCompetition } from "@/lib/competitions/competition-settings";
import { deleteCompetition } from "@/lib/competitions/delete-competition";
import { getCompetitionOrThrow, listOrganizers, updateCompetition } from "@/lib/competitions/manage-competitions";
import { jobWakeUp } from "@/lib/queue/wake-up";
import { apiRoute, jsonBody } from "@/server/api-route";

export const GET = apiRoute<{ slug: string }>(async ({ params, actor, database }) => {
  const competition = await getCompetitionOrThrow(database.prisma, params.slug);
  const role = await competitionRoleOf(database.prisma, actor, competition.id);
  if (role === "admin" || role === "organizer") {
    return { ...presentCompetition(competition, "organizer"), organizers: await listOrganizers(database.prisma, competition.id) };
  }
  return presentCompetition(competition, "public");
});

export const PATCH = apiRoute<{ slug: string }>(async ({ request, params, actor, database, store }) => {
  const input = await jsonBody(request, competitionUpdateSchema.extend({ legacyDefault: z.boolean().optional(), confirmRescore: z.boolean().optional() }).strict());
  const competition = await updateCompetition(database.prisma, actor, params.slug, input, { database, store, wakeUp: jobWakeUp() });
  return { ...presentCompetition(competition, "organizer"), ...(competition.rescore && { rescore: competition.rescore }) };
});

const deleteQuery = z.object({ force: z.enum(["true", "false"], { error: 'force must be "true" or "false"' }).optional() });

export const DELETE = apiRoute<{ slug: string }>(async ({ request, params, actor, database, store }) => {
  const query = deleteQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) throw new AppError("BAD_REQUEST", query.error.issues.map((issue) => issue.message).join("; "));
  return { deleted: await deleteCompetition(database.prisma, store, actor, params.slug, { force: query.data.force === "true" }) };
});
