import type { PodiumPrisma } from "../db/open-database";

export interface MyCompetitions {
  teams: { slug: string; title: string; timeZone: string; endsAt: Date | null; team: string }[];
  organizing: { slug: string; title: string; timeZone: string; endsAt: Date | null }[];
}

/** Where a signed-in user lands: the competitions they take part in (with their team) and those they organize. */
export async function listMyCompetitions(prisma: PodiumPrisma, userId: string): Promise<MyCompetitions> {
  const [memberships, organizing] = await Promise.all([
    prisma.teamMember.findMany({ where: { userId }, include: { team: { select: { name: true } }, competition: { select: { slug: true, title: true, timeZone: true, endsAt: true } } }, orderBy: { joinedAt: "desc" } }),
    prisma.competitionOrganizer.findMany({ where: { userId }, include: { competition: { select: { slug: true, title: true, timeZone: true, endsAt: true } } }, orderBy: { addedAt: "desc" } }),
  ]);
  return {
    teams: memberships.map((member) => ({ ...member.competition, team: member.team.name })),
    organizing: organizing.map((entry) => entry.competition),
  };
}
