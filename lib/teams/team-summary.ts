import type { Actor } from "../auth/actor";
import { getCompetitionOrThrow } from "../competitions/manage-competitions";
import type { Database } from "../db/open-database";
import { quotaDayOf } from "../submissions/quota-day";
import { countQuotaUses, quotaStateOf, type QuotaState } from "../submissions/submit-results";
import { teamOfActorOrThrow } from "./create-team";

export interface TeamSummary {
  team: { id: string; name: string; disqualified: boolean };
  members: { name: string; role: "CAPTAIN" | "MEMBER"; joinedAt: Date }[];
  /** Null through a team token: the code lets people join the team, which a token for a notebook has no need of. */
  inviteCode: string | null;
  /** Counted with the same code submitResults refuses by, so "left today" is what the next entry meets. */
  quota: QuotaState;
}

/** The actor's team in a competition: name, members, invite code and where it stands against the quotas. */
export async function getTeamSummary(database: Pick<Database, "prisma" | "sql">, actor: Actor, slug: string, now = new Date()): Promise<TeamSummary> {
  const { prisma, sql } = database;
  const competition = await getCompetitionOrThrow(prisma, slug);
  const team = await teamOfActorOrThrow(prisma, actor, competition);
  const [members, counts] = await Promise.all([
    prisma.teamMember.findMany({ where: { teamId: team.id }, include: { user: { select: { name: true, email: true } } }, orderBy: { joinedAt: "asc" } }),
    countQuotaUses(sql, team.id, quotaDayOf(now, competition.timeZone)),
  ]);
  return {
    team: { id: team.id, name: team.name, disqualified: team.disqualifiedAt !== null },
    members: members.map((member) => ({ name: member.user.name ?? member.user.email, role: member.role, joinedAt: member.joinedAt })),
    inviteCode: actor?.teamId ? null : team.inviteCode,
    quota: quotaStateOf(competition, counts, now),
  };
}
