import type { Actor } from "../auth/actor";
import { getCompetitionOrThrow } from "../competitions/manage-competitions";
import type { PodiumPrisma } from "../db/open-database";
import { AppError } from "../errors/app-error";
import { teamOfActorOrThrow } from "../teams/create-team";

/** Marks one of the team's scored entries for the private board (up to the competition's limit), or unmarks it. */
export async function setFinalSelection(prisma: PodiumPrisma, actor: Actor, slug: string, submissionId: string, selected: boolean) {
  const competition = await getCompetitionOrThrow(prisma, slug);
  const team = await teamOfActorOrThrow(prisma, actor, competition);
  if (competition.revealedAt) throw new AppError("CONFLICT", "the private leaderboard is revealed: final selections are closed");
  const submission = await prisma.submission.findFirst({ where: { id: submissionId, teamId: team.id } });
  if (!submission) throw new AppError("NOT_FOUND", `no submission ${submissionId} of your team`);
  if (submission.status !== "SCORED") throw new AppError("CONFLICT", `only scored entries can be selected; this one is ${submission.status.toLowerCase()}`);
  return prisma.$transaction(async (tx) => {
    await tx.$queryRawUnsafe(`SELECT id FROM teams WHERE id = $1 FOR UPDATE`, team.id);
    if (selected && !submission.selectedForFinal) {
      const count = await tx.submission.count({ where: { teamId: team.id, selectedForFinal: true } });
      if (count >= competition.finalSelectionLimit) throw new AppError("CONFLICT", `at most ${competition.finalSelectionLimit} entries can be selected; unselect one first`);
    }
    return tx.submission.update({ where: { id: submission.id }, data: { selectedForFinal: selected } });
  });
}
