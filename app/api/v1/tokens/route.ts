// GET /api/v1/tokens — the caller's API tokens (never their secrets); POST — create one, shown once.
import { z } from "zod";
import { requireSignedIn } from "@/lib/auth/actor";
import { createApiToken, listApiTokens } from "@/lib/auth/api-tokens";
import { TOKEN_SCOPES } from "@/lib/auth/token-scopes";
import { consumeRateLimit } from "@/lib/rate-limits/rate-limits";
import { AppError } from "@/lib/errors/app-error";
import { apiRoute, jsonBody } from "@/server/api-route";

export const GET = apiRoute(async ({ actor, database }) => {
  requireSignedIn(actor);
  return { tokens: await listApiTokens(database.prisma, actor.userId) };
});

export const POST = apiRoute(async ({ request, actor, database }) => {
  requireSignedIn(actor);
  if (actor.teamId) throw new AppError("FORBIDDEN", "a team token cannot mint tokens");
  const { name, scopes } = await jsonBody(request, z.object({ name: z.string(), scopes: z.array(z.enum(TOKEN_SCOPES)).optional() }));
  // Minted with a token: never more than that token may do, and revoked with it.
  const parent = actor.tokenId ? { tokenId: actor.tokenId, scopes: actor.scopes ?? [] } : null;
  const flood = await consumeRateLimit(database.prisma, "tokensPerUser", actor.userId);
  if (!flood.allowed) throw new AppError("QUOTA_EXCEEDED", flood.message);
  return createApiToken(database.prisma, { userId: actor.userId, name, scopes, parent });
});
