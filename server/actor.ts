import "server-only";
import { authenticateApiToken } from "@/lib/auth/api-tokens";
import type { Actor } from "@/lib/auth/actor";
import { getDatabase } from "@/lib/db/client";
import { auth } from "@/server/auth";

/** Who is calling: the owner of a bearer API token, else the signed-in session's user, else nobody. */
export async function getActor(request?: Request): Promise<Actor> {
  const { prisma } = await getDatabase();
  const header = request?.headers.get("authorization");
  if (header && /^bearer\s+/i.test(header)) {
    const owner = await authenticateApiToken(prisma, header.replace(/^bearer\s+/i, "").trim());
    return { userId: owner.userId, isAdmin: owner.isAdmin, teamId: owner.teamId, tokenId: owner.tokenId, scopes: owner.scopes };
  }
  const session = await auth();
  if (!session?.user?.id) return null;
  const user = await prisma.user.findUnique({ where: { id: session.user.id }, select: { id: true, isAdmin: true } });
  return user ? { userId: user.id, isAdmin: user.isAdmin } : null;
}
