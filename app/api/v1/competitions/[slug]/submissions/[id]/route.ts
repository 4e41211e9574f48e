// GET /api/v1/competitions/{slug}/submissions/{id} — one submission, for its team or the organizers.
import { getSubmissionForActor } from "@/lib/submissions/list-submissions";
import { apiRoute } from "@/server/api-route";

export const GET = apiRoute<{ slug: string; id: string }>(async ({ params, actor, database }) => ({ submission: await getSubmissionForActor(database.prisma, actor, params.slug, params.id) }));
