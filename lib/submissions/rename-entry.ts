import type { Actor } from "../auth/actor";
import { getCompetitionOrThrow } from "../competitions/manage-competitions";
import type { PodiumPrisma } from "../db/open-database";
import { AppError, isAppError } from "../errors/app-error";
import { teamOfActorOrThrow } from "../teams/create-team";
import type { EntryDetails } from "./entry-details";

/**
 * Renames or re-describes one of the team's entries (PATCH …/submissions/{id} with "name" and/or "description"): only
 * members of the team that owns it (or its team token) — not another team (NOT_FOUND, as if it did not exist), not
 * the organizers (their view is read-only), not a caller outside the competition. A field left out stays as it is;
 * null or blank clears it. Allowed whatever the entry's status and after the end: it changes no score or ranking.
 */
export async function updateEntryDetails(prisma: PodiumPrisma, actor: Actor, slug: string, submissionId: string, details: EntryDetails) {
  const competition = await getCompetitionOrThrow(prisma, slug);
  const team = await teamOfActorOrThrow(prisma, actor, competition);
  const data = {
    ...(details.name !== undefined && { name: details.name }),
    ...(details.description !== undefined && { description: details.description }),
  };
  const updated = await prisma.submission.updateMany({ where: { id: submissionId, teamId: team.id, competitionId: competition.id }, data });
  if (updated.count === 0) throw new AppError("NOT_FOUND", `no submission ${submissionId} of your team`);
}

/** Whether the actor may rename the entry: a member (or the team token) of the team that owns it. */
export async function canEditEntryDetails(prisma: PodiumPrisma, actor: Actor, slug: string, submissionId: string): Promise<boolean> {
  if (!actor) return false;
  const competition = await getCompetitionOrThrow(prisma, slug);
  let team;
  try {
    team = await teamOfActorOrThrow(prisma, actor, competition);
  } catch (error) {
    if (isAppError(error) && error.code === "FORBIDDEN") return false;
    throw error;
  }
  return (await prisma.submission.count({ where: { id: submissionId, teamId: team.id, competitionId: competition.id } })) > 0;
}
