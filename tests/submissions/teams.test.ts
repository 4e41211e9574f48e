import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/auth/actor";
import { competitionCreateSchema } from "../../lib/competitions/competition-settings";
import { createCompetition } from "../../lib/competitions/manage-competitions";
import type { Database } from "../../lib/db/open-database";
import { createTeam, joinTeamByInvite, leaveTeam, rotateInviteCode } from "../../lib/teams/create-team";
import { createUser } from "../../lib/users/create-user";
import { DATABASE_KINDS, openTestDatabase } from "../helpers/services";

describe.each(DATABASE_KINDS)("teams on %s", (kind) => {
  let database: Database;
  let dispose: () => Promise<void>;
  const users: Actor[] = [];
  let organizer: Actor;

  beforeAll(async () => {
    ({ database, dispose } = await openTestDatabase(kind));
    for (let i = 0; i < 8; i++) {
      const user = await createUser(database.prisma, { email: `u${i}@teams.test`, password: "user password 1" });
      users.push({ userId: user.id, isAdmin: false });
    }
    const owner = await createUser(database.prisma, { email: "owner@teams.test", password: "owner password" });
    organizer = { userId: owner.id, isAdmin: false };
    await createCompetition(database.prisma, organizer, competitionCreateSchema.parse({ slug: "teams", title: "Teams", teamSize: "3" }));
  });
  afterAll(async () => dispose?.());

  it("keeps team names unique ignoring case, one team per user, and organizers out", async () => {
    const team = await createTeam(database.prisma, users[0]!, "teams", "  Deep   Thinkers ");
    expect(team.name).toBe("Deep Thinkers");
    await expect(createTeam(database.prisma, users[1]!, "teams", "deep thinkers")).rejects.toThrow(/the team name "Deep Thinkers" is taken/);
    await expect(createTeam(database.prisma, users[0]!, "teams", "Another")).rejects.toThrow(/already in team "Deep Thinkers"/);
    await expect(createTeam(database.prisma, organizer, "teams", "Insiders")).rejects.toThrow(/organizers of teams cannot compete/);
    await expect(createTeam(database.prisma, users[1]!, "teams", "x")).rejects.toThrow(/2 to 64 characters/);
  });

  it("fills a team up to its size limit exactly, even when people join at once", async () => {
    const team = await database.prisma.team.findFirstOrThrow({ where: { nameKey: "deep thinkers" } });
    const results = await Promise.allSettled(users.slice(1, 6).map((user) => joinTeamByInvite(database.prisma, user, "teams", team.inviteCode)));
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(2);
    const refused = results.filter((result): result is PromiseRejectedResult => result.status === "rejected");
    expect(refused).toHaveLength(3);
    for (const result of refused) expect(String(result.reason)).toMatch(/team "Deep Thinkers" is full: 3 members at most/);
    expect(await database.prisma.teamMember.count({ where: { teamId: team.id } })).toBe(3);
  });

  it("rotates the invite code and lets members leave, passing on the captaincy", async () => {
    const team = await database.prisma.team.findFirstOrThrow({ where: { nameKey: "deep thinkers" } });
    const rotated = await rotateInviteCode(database.prisma, users[0]!, "teams");
    expect(rotated.inviteCode).not.toBe(team.inviteCode);
    await leaveTeam(database.prisma, users[0]!, "teams");
    await expect(joinTeamByInvite(database.prisma, users[6]!, "teams", team.inviteCode)).rejects.toThrow(/no team of teams has the invite code/);
    await joinTeamByInvite(database.prisma, users[6]!, "teams", rotated.inviteCode);
    const members = await database.prisma.teamMember.findMany({ where: { teamId: team.id } });
    expect(members).toHaveLength(3);
    expect(members.filter((member) => member.role === "CAPTAIN")).toHaveLength(1);
    await expect(leaveTeam(database.prisma, users[7]!, "teams")).rejects.toThrow(/you are not in a team of teams/);
  });
});
