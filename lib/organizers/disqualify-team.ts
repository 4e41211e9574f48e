import { z } from "zod";
import { requireOrganizer, type Actor } from "../auth/actor";
import { getCompetitionOrThrow } from "../competitions/manage-competitions";
import type { PodiumPrisma } from "../db/open-database";
import { AppError } from "../errors/app-error";
import { recordAuditEvent } from "../audit/record-audit-event";

// A disqualified team leaves the leaderboards (lib/leaderboards/get-leaderboard.ts skips it) and can no longer
// submit (submit-results.ts, submit-model.ts); its entries stay, and re-instating it brings them back.

export const disqualifySchema = z.object({ reason: z.string().trim().min(1, "give a reason (the team sees it when it tries to submit)").max(500) });

export async function teamOfCompetitionOrThrow(prisma: PodiumPrisma, competition: { id: string; slug: string }, teamId: string) {
  const team = await prisma.team.findFirst({ where: { id: teamId, competitionId: competition.id } });
  if (!team) throw new AppError("NOT_FOUND", `no team ${teamId} in ${competition.slug}`);
  return team;
}

export async function disqualifyTeam(prisma: PodiumPrisma, actor: Actor, slug: string, teamId: string, reason: string, now = new Date()) {
  const competition = await getCompetitionOrThrow(prisma, slug);
  await requireOrganizer(prisma, actor, competition);
  const parsed = disqualifySchema.safeParse({ reason });
  if (!parsed.success) throw new AppError("BAD_REQUEST", `reason: ${parsed.error.issues[0]!.message}`);
  const why = parsed.data.reason;
  const team = await teamOfCompetitionOrThrow(prisma, competition, teamId);
  return prisma.$transaction(async (tx) => {
    // Conditional, so two organizers acting at once cannot both record a disqualification.
    const changed = await tx.team.updateMany({ where: { id: team.id, disqualifiedAt: null }, data: { disqualifiedAt: now, disqualifiedReason: why } });
    if (changed.count === 0) throw new AppError("CONFLICT", `team "${team.name}" is already disqualified`);
    await recordAuditEvent(tx, {
      actorId: actor!.userId,
      competitionId: competition.id,
      action: "team.disqualify",
      target: { type: "team", id: team.id },
      changes: { disqualified: { before: null, after: why } },
      details: { team: team.name, reason: why },
    });
    return { id: team.id, name: team.name, disqualifiedAt: now.toISOString(), disqualifiedReason: why };
  });
}
