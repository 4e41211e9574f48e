import type { PodiumPrisma } from "../db/open-database";
import { AppError } from "../errors/app-error";

/**
 * Who is asking: a signed-in user (session or API token) or nobody. Through a token, `tokenId` and its `scopes`
 * are set (a team token also names its team); a browser session has no scopes to check.
 */
export type Actor = { userId: string; isAdmin: boolean; teamId?: string | null; tokenId?: string; scopes?: readonly string[] } | null;

export type CompetitionRole = "admin" | "organizer" | "participant" | "none";

/** The actor's role in one competition. Admins rank above organizers; a participant is a member of one of its teams. */
export async function competitionRoleOf(prisma: PodiumPrisma, actor: Actor, competitionId: string): Promise<CompetitionRole> {
  if (!actor) return "none";
  if (actor.isAdmin) return "admin";
  const organizer = await prisma.competitionOrganizer.findUnique({ where: { competitionId_userId: { competitionId, userId: actor.userId } } });
  if (organizer) return "organizer";
  const member = await prisma.teamMember.findUnique({ where: { competitionId_userId: { competitionId, userId: actor.userId } } });
  return member ? "participant" : "none";
}

export function requireSignedIn(actor: Actor): asserts actor is NonNullable<Actor> {
  if (!actor) throw new AppError("UNAUTHORIZED", "sign in first (or pass an API token as Authorization: Bearer …)");
}

/** Throws unless the actor organizes the competition (or is an admin). */
export async function requireOrganizer(prisma: PodiumPrisma, actor: Actor, competition: { id: string; slug: string }): Promise<"admin" | "organizer"> {
  requireSignedIn(actor);
  const role = await competitionRoleOf(prisma, actor, competition.id);
  if (role !== "admin" && role !== "organizer") throw new AppError("FORBIDDEN", `only organizers of ${competition.slug} may do this`);
  return role;
}
