// GET /api/v1/competitions/{slug}/submissions/{id} — one submission, for its team or the organizers;
// PATCH {"selectedForFinal": true|false} — the team picks its entries for the private board.
import { z } from "zod";
import { getSubmissionForActor } from "@/lib/submissions/list-submissions";
import { setFinalSelection } from "@/lib/submissions/select-final";
import { apiRoute, jsonBody } from "@/server/api-route";

export const GET = apiRoute<{ slug: string; id: string }>(async ({ params, actor, database }) => ({ submission: await getSubmissionForActor(database.prisma, actor, params.slug, params.id) }));

export const PATCH = apiRoute<{ slug: string; id: string }>(async ({ request, params, actor, database }) => {
  const { selectedForFinal } = await jsonBody(request, z.object({ selectedForFinal: z.boolean() }).strict());
  await setFinalSelection(database.prisma, actor, params.slug, params.id, selectedForFinal);
  return { submission: await getSubmissionForActor(database.prisma, actor, params.slug, params.id) };
});
