// GET /api/v1/tokens — the caller's API tokens (never their secrets); POST — create one, shown once.
import { z } from "zod";
import { requireSignedIn } from "@/lib/auth/actor";
import { createApiToken, listApiTokens } from "@/lib/auth/api-tokens";
import { apiRoute, jsonBody } from "@/server/api-route";

export const GET = apiRoute(async ({ actor, database }) => {
  requireSignedIn(actor);
  return { tokens: await listApiTokens(database.prisma, actor.userId) };
});

export const POST = apiRoute(async ({ request, actor, database }) => {
  requireSignedIn(actor);
  const { name } = await jsonBody(request, z.object({ name: z.string() }));
  return createApiToken(database.prisma, { userId: actor.userId, name });
});
