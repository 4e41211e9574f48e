// POST /api/v1/competitions/{slug}/organizers — add a co-organizer by e-mail.
import { z } from "zod";
import { addOrganizer } from "@/lib/competitions/manage-competitions";
import { apiRoute, jsonBody } from "@/server/api-route";

export const POST = apiRoute<{ slug: string }>(async ({ request, params, actor, database }) => {
  const { email } = await jsonBody(request, z.object({ email: z.string() }));
  return addOrganizer(database.prisma, actor, params.slug, email);
});
