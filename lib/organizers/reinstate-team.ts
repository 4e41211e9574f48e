import { requireOrganizer, type Actor } from "../auth/actor";
import { getCompetitionOrThrow } from "../competitions/manage-competitions";
import type { PodiumPrisma } from "../db/open-database";
import { AppError } from "../errors/app-error";
import { teamOfCompetitionOrThrow } from "./disqualify-team";
import { recordAuditEvent } from "../audit/record-audit-event";

/** Lifts a disqualification: the team is back on the boards with all its entries and may submit again. */
export async function reinstateTeam(prisma: PodiumPrisma, actor: Actor, slug: string, teamId: string) {
  const competition = await getCompetitionOrThrow(prisma, slug);
  await requireOrganizer(prisma, actor, competition);
  const team = await teamOfCompetitionOrThrow(prisma, competition, teamId);
  return prisma.$transaction(async (tx) => {
    const changed = await tx.team.updateMany({ where: { id: team.id, disqualifiedAt: { not: null } }, data: { disqualifiedAt: null, disqualifiedReason: null } });
    if (changed.count === 0) throw new AppError("CONFLICT", `team "${team.name}" is not disqualified`);
    await recordAuditEvent(tx, {
      actorId: actor!.userId,
      competitionId: competition.id,
      action: "team.reinstate",
      target: { type: "team", id: team.id },
      changes: { disqualified: { before: team.disqualifiedReason, after: null } },
      details: { team: team.name, previousReason: team.disqualifiedReason },
    });
    return { id: team.id, name: team.name, disqualifiedAt: null, disqualifiedReason: null };
  });
}
