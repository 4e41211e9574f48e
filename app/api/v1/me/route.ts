// GET /api/v1/me — who the token or session belongs to (used by `podium login` to check a token).
import { requireSignedIn } from "@/lib/auth/actor";
import { apiRoute } from "@/server/api-route";

export const GET = apiRoute(async ({ actor, database }) => {
  requireSignedIn(actor);
  const user = await database.prisma.user.findUniqueOrThrow({ where: { id: actor.userId }, select: { email: true, name: true, isAdmin: true } });
  return { email: user.email, name: user.name, isAdmin: user.isAdmin };
});
