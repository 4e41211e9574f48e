import { requireOrganizer, type Actor } from "../auth/actor";
import { getCompetitionOrThrow } from "../competitions/manage-competitions";
import type { PodiumPrisma } from "../db/open-database";

export interface OrganizerTeamRow {
  id: string;
  name: string;
  members: number;
  submissions: number;
  createdAt: string;
  disqualifiedAt: string | null;
  disqualifiedReason: string | null;
}

/** The competition's teams for its organizers: size, entries, and whether (and why) they are disqualified. */
export async function listCompetitionTeams(prisma: PodiumPrisma, actor: Actor, slug: string): Promise<OrganizerTeamRow[]> {
  const competition = await getCompetitionOrThrow(prisma, slug);
  await requireOrganizer(prisma, actor, competition);
  const teams = await prisma.team.findMany({
    where: { competitionId: competition.id },
    orderBy: { nameKey: "asc" },
    include: { _count: { select: { members: true, submissions: true } } },
  });
  return teams.map((team) => ({
    id: team.id,
    name: team.name,
    members: team._count.members,
    submissions: team._count.submissions,
    createdAt: team.createdAt.toISOString(),
    disqualifiedAt: team.disqualifiedAt?.toISOString() ?? null,
    disqualifiedReason: team.disqualifiedReason,
  }));
}
