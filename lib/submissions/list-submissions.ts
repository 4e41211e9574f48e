import { competitionRoleOf, requireSignedIn, type Actor } from "../auth/actor";
import { getCompetitionOrThrow } from "../competitions/manage-competitions";
import type { PodiumPrisma } from "../db/open-database";
import { AppError } from "../errors/app-error";
import { teamOfActorOrThrow } from "../teams/create-team";
import { presentSubmission, privateRevealed } from "./present-submission";

/** A team's own submissions, newest first; private numbers only once revealed (or for organizers). */
export async function listTeamSubmissions(prisma: PodiumPrisma, actor: Actor, slug: string) {
  const competition = await getCompetitionOrThrow(prisma, slug);
  const team = await teamOfActorOrThrow(prisma, actor, competition);
  const rows = await prisma.submission.findMany({ where: { teamId: team.id }, orderBy: { createdAt: "desc" }, include: { scores: true }, take: 500 });
  const showPrivate = privateRevealed(competition);
  return { team: { name: team.name }, submissions: rows.map((row) => presentSubmission(row, { showPrivate })) };
}

/** One submission, for its team or the competition's organizers. */
export async function getSubmissionForActor(prisma: PodiumPrisma, actor: Actor, slug: string, id: string) {
  requireSignedIn(actor);
  const competition = await getCompetitionOrThrow(prisma, slug);
  const row = await prisma.submission.findFirst({ where: { id, competitionId: competition.id }, include: { scores: true } });
  if (!row) throw new AppError("NOT_FOUND", `no submission ${id} in ${slug}`);
  const role = await competitionRoleOf(prisma, actor, competition.id);
  const organizer = role === "admin" || role === "organizer";
  if (!organizer) {
    const team = await teamOfActorOrThrow(prisma, actor, competition);
    if (team.id !== row.teamId) throw new AppError("NOT_FOUND", `no submission ${id} in ${slug}`);
  }
  return presentSubmission(row, { showPrivate: organizer || privateRevealed(competition) });
}
