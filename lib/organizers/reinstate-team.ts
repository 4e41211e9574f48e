import { requireOrganizer, type Actor } from "../auth/actor";
import { getCompetitionOrThrow } from "../competitions/manage-competitions";
import type { PodiumPrisma } from "../db/open-database";
import { AppError } from "../errors/app-error";
import { teamOfCompetitionOrThrow } from "./disqualify-team";

/** Lifts a disqualification: the team is back on the boards with all its entries and may submit again. */
export async function reinstateTeam(prisma: PodiumPrisma, actor: Actor, slug: string, teamId: string) {
  const competition = await getCompetitionOrThrow(prisma, slug);
  await requireOrganizer(prisma, actor, competition);
  const team = await teamOfCompetitionOrThrow(prisma, competition, teamId);
  return prisma.$transaction(async (tx) => {
    const changed = await tx.team.updateMany({ where: { id: team.id, disqualifiedAt: { not: null } }, data: { disqualifiedAt: null, disqualifiedReason: null } });
    if (changed.count === 0) throw new AppError("CONFLICT", `team "${team.name}" is not disqualified`);
    await tx.auditEvent.create({
      data: { actorId: actor!.userId, competitionId: competition.id, action: "team.reinstate", targetType: "team", targetId: team.id, data: { team: team.name, previousReason: team.disqualifiedReason } },
    });
    return { id: team.id, name: team.name, disqualifiedAt: null, disqualifiedReason: null };
  });
}
