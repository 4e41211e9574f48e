import "server-only";
import { cache } from "react";
import { notFound } from "next/navigation";
import { competitionRoleOf } from "@/lib/auth/actor";
import { presentCompetition } from "@/lib/competitions/competition-settings";
import { getDatabase } from "@/lib/db/client";
import { getActor } from "@/server/actor";

/**
 * What every tab of a competition's page needs: the competition, who is looking, their role and team. Cached per
 * request, so the shell and the tab it wraps read it once.
 */
export const loadCompetitionPage = cache(async (slug: string) => {
  const database = await getDatabase();
  const { prisma } = database;
  const row = await prisma.competition.findUnique({ where: { slug }, include: { activeDatasetVersion: true } });
  if (!row) notFound();
  const actor = await getActor();
  const role = await competitionRoleOf(prisma, actor, row.id);
  const member = actor ? await prisma.teamMember.findUnique({ where: { competitionId_userId: { competitionId: row.id, userId: actor.userId } }, include: { team: true } }) : null;
  return { database, row, actor, role, competition: presentCompetition(row, "public"), team: member?.team ?? null };
});

export type CompetitionPage = Awaited<ReturnType<typeof loadCompetitionPage>>;
