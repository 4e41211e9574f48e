import type { Actor } from "../auth/actor";
import { getCompetitionOrThrow } from "../competitions/manage-competitions";
import type { PodiumPrisma } from "../db/open-database";
import { AppError } from "../errors/app-error";
import { teamOfActorOrThrow } from "../teams/create-team";
import { formatTime } from "../time/format-time";

/** Marks one of the team's scored entries for the private board (up to the competition's limit), or unmarks it, until the end. */
export async function setFinalSelection(prisma: PodiumPrisma, actor: Actor, slug: string, submissionId: string, selected: boolean, now = new Date()) {
  const competition = await getCompetitionOrThrow(prisma, slug);
  const team = await teamOfActorOrThrow(prisma, actor, competition);
  if (competition.revealedAt) throw new AppError("CONFLICT", "the private leaderboard is revealed: final selections are closed");
  // Private scores are shown from the end on (present-submission.ts privateRevealed): a selection after it could be
  // picked by private score, so selections close at the end, not at the reveal.
  if (competition.endsAt && now >= competition.endsAt) {
    throw new AppError("CONFLICT", `final selections closed when ${slug} ended at ${formatTime(competition.endsAt, competition.timeZone)}: the entries selected then are the ones that count`);
  }
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
