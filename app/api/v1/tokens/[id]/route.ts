// DELETE /api/v1/tokens/{id} — revoke one of the caller's tokens.
import { requireSignedIn } from "@/lib/auth/actor";
import { revokeApiToken } from "@/lib/auth/api-tokens";
import { apiRoute } from "@/server/api-route";

export const DELETE = apiRoute<{ id: string }>(async ({ params, actor, database }) => {
  requireSignedIn(actor);
  await revokeApiToken(database.prisma, actor.userId, params.id);
  return { revoked: params.id };
});
