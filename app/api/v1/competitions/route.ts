// POST /api/v1/competitions — create a competition (the caller becomes its organizer); GET — list them.
import { competitionCreateSchema, presentCompetition } from "@/lib/competitions/competition-settings";
import { createCompetition, listCompetitions } from "@/lib/competitions/manage-competitions";
import { apiRoute, jsonBody } from "@/server/api-route";

export const POST = apiRoute(async ({ request, actor, database }) => {
  const input = await jsonBody(request, competitionCreateSchema);
  const competition = await createCompetition(database.prisma, actor, input);
  return Response.json(presentCompetition(competition, "organizer"), { status: 201 });
});

export const GET = apiRoute(async ({ database }) => {
  const competitions = await listCompetitions(database.prisma);
  return { competitions: competitions.map((competition) => presentCompetition(competition, "public")) };
});
