// GET /api/v1/competitions/{slug}/submissions/{id} — one submission, for its team or the organizers;
// PATCH {"selectedForFinal"?: true|false, "name"?: string|null, "description"?: string|null} — the team picks its
// entries for the private board, and names or describes its own entry (members of the owning team only).
import { z } from "zod";
import { AppError } from "@/lib/errors/app-error";
import { entryDetailsShape } from "@/lib/submissions/entry-details";
import { getSubmissionForActor } from "@/lib/submissions/list-submissions";
import { updateEntryDetails } from "@/lib/submissions/rename-entry";
import { setFinalSelection } from "@/lib/submissions/select-final";
import { apiRoute, jsonBody } from "@/server/api-route";

export const GET = apiRoute<{ slug: string; id: string }>(async ({ params, actor, database }) => ({ submission: await getSubmissionForActor(database.prisma, actor, params.slug, params.id) }));

const patchSchema = z.object({ selectedForFinal: z.boolean().optional(), ...entryDetailsShape }).strict();

export const PATCH = apiRoute<{ slug: string; id: string }>(async ({ request, params, actor, database }) => {
  const { selectedForFinal, ...details } = await jsonBody(request, patchSchema);
  if (selectedForFinal === undefined && details.name === undefined && details.description === undefined) {
    throw new AppError("BAD_REQUEST", 'give "selectedForFinal", "name" or "description"');
  }
  // The selection first: it may be refused (closed, over the limit), and then nothing has changed.
  if (selectedForFinal !== undefined) await setFinalSelection(database.prisma, actor, params.slug, params.id, selectedForFinal);
  if (details.name !== undefined || details.description !== undefined) await updateEntryDetails(database.prisma, actor, params.slug, params.id, details);
  return { submission: await getSubmissionForActor(database.prisma, actor, params.slug, params.id) };
});
