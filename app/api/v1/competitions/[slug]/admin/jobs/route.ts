// GET /api/v1/competitions/{slug}/admin/jobs — organizers: running jobs with live progress, queued jobs with their
// place, and the last jobs that ended (the dashboard polls it every 2 s).
import { getCompetitionQueue } from "@/lib/organizers/get-competition-queue";
import { apiRoute } from "@/server/api-route";

export const GET = apiRoute<{ slug: string }>(async ({ params, actor, database }) => getCompetitionQueue(database.prisma, actor, params.slug));
