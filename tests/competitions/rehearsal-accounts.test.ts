import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/auth/actor";
import { authenticateApiToken } from "../../lib/auth/api-tokens";
import { deleteCompetition } from "../../lib/competitions/delete-competition";
import type { Database } from "../../lib/db/open-database";
import type { FolderBlobStore } from "../../lib/storage/folder-blob-store";
import { createTeam, joinTeamByInvite } from "../../lib/teams/create-team";
import { createUser } from "../../lib/users/create-user";
import { createRehearsalAccounts, rehearsalAccountsSchema } from "../../lib/users/rehearsal-accounts";
import { createContest, submitRanks } from "../helpers/contest";
import { DATABASE_KINDS } from "../helpers/services";
import { databaseAndStore } from "../helpers/test-world";

// `podium rehearse` registers its teams with throwaway accounts an admin makes through
// POST /api/v1/competitions/{slug}/rehearsal/accounts: only for a rehearsal, all or nothing, and gone with it.

describe.each(DATABASE_KINDS)("rehearsal accounts on %s", (kind) => {
  let database: Database;
  let store: FolderBlobStore;
  const disposers: (() => Promise<void>)[] = [];
  let admin: Actor;
  let participant: Actor;
  let rehearsal: Awaited<ReturnType<typeof createContest>>;
  let real: Awaited<ReturnType<typeof createContest>>;
  let realTeam: Awaited<ReturnType<typeof createTeam>>;
  const rehearsalSlug = `rehearsal-${kind}`;

  /** The actor a token resolves to, as the API's getActor makes it. */
  const actorOfToken = async (token: string): Promise<Actor> => {
    const owner = await authenticateApiToken(database.prisma, token);
    return { userId: owner.userId, isAdmin: owner.isAdmin, teamId: owner.teamId, tokenId: owner.tokenId, scopes: owner.scopes };
  };
  const accountsOf = (competitionId: string) => database.prisma.user.count({ where: { rehearsalCompetitionId: competitionId } });

  beforeAll(async () => {
    ({ database, store } = await databaseAndStore(kind, disposers));
    admin = { userId: (await createUser(database.prisma, { email: `admin-${kind}@rehearsal.test`, password: "admin password 1", isAdmin: true })).id, isAdmin: true };
    participant = { userId: (await createUser(database.prisma, { email: `team-${kind}@rehearsal.test`, password: "team password 1" })).id, isAdmin: false };
    rehearsal = await createContest(database.prisma, store, { slug: rehearsalSlug, settings: { rehearsal: true } });
    real = await createContest(database.prisma, store, { slug: `real-${kind}` });
    realTeam = await createTeam(database.prisma, participant, `real-${kind}`, `Team of ${kind}`);
  });
  afterAll(async () => {
    for (const dispose of disposers.reverse()) await dispose();
  });

  it("lets an admin create accounts without passwords whose tokens act as them in the rehearsal", async () => {
    const { accounts } = await createRehearsalAccounts(database.prisma, admin, rehearsalSlug, ["ada", "grace", "alan"]);
    expect(accounts.map(({ name, email }) => ({ name, email }))).toEqual([
      { name: "ada", email: `ada@${rehearsalSlug}.rehearsal.invalid` },
      { name: "grace", email: `grace@${rehearsalSlug}.rehearsal.invalid` },
      { name: "alan", email: `alan@${rehearsalSlug}.rehearsal.invalid` },
    ]);
    for (const account of accounts) {
      const user = await database.prisma.user.findUniqueOrThrow({ where: { email: account.email }, omit: { passwordHash: false } });
      expect(user).toMatchObject({ name: account.name, passwordHash: null, isAdmin: false, rehearsalCompetitionId: rehearsal.competition.id });
      const owner = await authenticateApiToken(database.prisma, account.token);
      expect(owner).toMatchObject({ userId: user.id, email: account.email, isAdmin: false, teamId: null, scopes: ["read", "submit", "manage"] });
      // What `podium rehearse` does next with the token: register a team and submit.
      const actor = await actorOfToken(account.token);
      const team = await createTeam(database.prisma, actor, rehearsalSlug, `Team ${account.name}`);
      await submitRanks(database, store, rehearsal, { id: team.id, actor }, [1, 5, 0]);
    }
    expect(await database.prisma.apiToken.count({ where: { user: { rehearsalCompetitionId: rehearsal.competition.id }, name: "rehearsal" } })).toBe(3);
    const audit = await database.prisma.auditEvent.findFirstOrThrow({ where: { competitionId: rehearsal.competition.id, action: "rehearsal.create-accounts" } });
    expect(audit).toMatchObject({ actorId: admin!.userId, data: { names: ["ada", "grace", "alan"] } });
  });

  it("refuses anyone but an admin, and an admin's team token", async () => {
    const refusals: [Actor, string, number][] = [
      [null, "UNAUTHORIZED", 401],
      [rehearsal.organizer, "FORBIDDEN", 403],
      [participant, "FORBIDDEN", 403],
      [{ ...admin!, teamId: realTeam.id }, "FORBIDDEN", 403],
    ];
    for (const [actor, code, status] of refusals) {
      const refused = createRehearsalAccounts(database.prisma, actor, rehearsalSlug, ["intruder"]);
      await expect(refused, JSON.stringify(actor)).rejects.toMatchObject({ code, status });
      if (code === "FORBIDDEN") await expect(refused).rejects.toThrow("only an admin creates rehearsal accounts");
    }
    expect(await database.prisma.user.count({ where: { email: { startsWith: "intruder@" } } })).toBe(0);
  });

  it("refuses a competition that is not a rehearsal (409) and an unknown one (404)", async () => {
    await expect(createRehearsalAccounts(database.prisma, admin, `real-${kind}`, ["ada"])).rejects.toMatchObject({
      code: "CONFLICT",
      status: 409,
      message: `real-${kind} is not a rehearsal: accounts are made only for rehearsals (podium competition create --rehearsal)`,
    });
    await expect(createRehearsalAccounts(database.prisma, admin, "no-such-rehearsal", ["ada"])).rejects.toMatchObject({ code: "NOT_FOUND", status: 404 });
    expect(await accountsOf(real.competition.id)).toBe(0);
  });

  it("refuses duplicate, malformed, too few or too many names (400), naming the duplicate", async () => {
    const duplicate = rehearsalAccountsSchema.safeParse({ names: ["bob", "eve", "bob"] });
    expect(duplicate.error?.issues.map((issue) => [issue.path.join("."), issue.message])).toEqual([["names.2", '"bob" is named twice']]);
    for (const names of [[], ["Bob"], ["-bob"], ["a".repeat(41)], ["bob@x"], Array.from({ length: 101 }, (_, i) => `team-${i}`)]) {
      expect(rehearsalAccountsSchema.safeParse({ names }).success, JSON.stringify(names).slice(0, 60)).toBe(false);
    }
    expect(rehearsalAccountsSchema.safeParse({ names: ["bob"], extra: 1 }).success).toBe(false);
    // Called without the route's parse, the library refuses the same way.
    await expect(createRehearsalAccounts(database.prisma, admin, rehearsalSlug, ["bob", "eve", "bob"])).rejects.toMatchObject({ code: "BAD_REQUEST", status: 400, message: 'names.2: "bob" is named twice' });
    expect(await database.prisma.user.count({ where: { email: { in: [`bob@${rehearsalSlug}.rehearsal.invalid`, `eve@${rehearsalSlug}.rehearsal.invalid`] } } })).toBe(0);
  });

  it("refuses an address already taken (409), naming it, and creates none of the others", async () => {
    await createUser(database.prisma, { email: `taken@${rehearsalSlug}.rehearsal.invalid`, password: "someone's password 1" });
    const before = await accountsOf(rehearsal.competition.id);
    await expect(createRehearsalAccounts(database.prisma, admin, rehearsalSlug, ["fresh-one", "taken", "fresh-two"])).rejects.toMatchObject({
      code: "CONFLICT",
      status: 409,
      message: `an account for taken@${rehearsalSlug}.rehearsal.invalid already exists: no account was created`,
    });
    // Accounts made earlier are taken too: asking again for them is refused the same way.
    await expect(createRehearsalAccounts(database.prisma, admin, rehearsalSlug, ["ada", "grace", "fresh-three"])).rejects.toThrow(
      `accounts for ada@${rehearsalSlug}.rehearsal.invalid, grace@${rehearsalSlug}.rehearsal.invalid already exist: no account was created`,
    );
    expect(await accountsOf(rehearsal.competition.id)).toBe(before);
    expect(await database.prisma.user.count({ where: { email: { startsWith: "fresh-" } } })).toBe(0);
  });

  it("makes as many as 100 accounts in one call", async () => {
    const names = Array.from({ length: 100 }, (_, i) => `team-${i}`);
    const { accounts } = await createRehearsalAccounts(database.prisma, admin, rehearsalSlug, names);
    expect(accounts.map((account) => account.name)).toEqual(names);
    expect(new Set(accounts.map((account) => account.token)).size).toBe(100);
    expect((await authenticateApiToken(database.prisma, accounts[99]!.token)).email).toBe(`team-99@${rehearsalSlug}.rehearsal.invalid`);
  });

  it("deletes a rehearsal's accounts and their tokens with it, and nobody else", async () => {
    const gone = await createContest(database.prisma, store, { slug: `gone-${kind}`, settings: { rehearsal: true } });
    const { accounts } = await createRehearsalAccounts(database.prisma, admin, `gone-${kind}`, ["ada", "grace", "alan"]);
    const [ada, grace] = [await actorOfToken(accounts[0]!.token), await actorOfToken(accounts[1]!.token)];
    // Every path a rehearsal account's rows take: a team and an entry in its rehearsal, a place in another
    // competition's team (the user's cascade), and audit events it or the admin wrote.
    const team = await createTeam(database.prisma, ada, `gone-${kind}`, "Gone Team");
    await submitRanks(database, store, gone, { id: team.id, actor: ada }, [1]);
    await joinTeamByInvite(database.prisma, grace, `real-${kind}`, realTeam.inviteCode);
    const goneUserIds = (await database.prisma.user.findMany({ where: { rehearsalCompetitionId: gone.competition.id }, select: { id: true } })).map((user) => user.id);
    const usersBefore = await database.prisma.user.count();
    const otherAccounts = await accountsOf(rehearsal.competition.id);

    const deleted = await deleteCompetition(database.prisma, store, admin, `gone-${kind}`);
    expect(deleted).toMatchObject({ slug: `gone-${kind}`, rehearsal: true, teams: 1, submissions: 1, accounts: 3 });
    expect(await database.prisma.user.count({ where: { id: { in: goneUserIds } } })).toBe(0);
    expect(await database.prisma.apiToken.count({ where: { userId: { in: goneUserIds } } })).toBe(0);
    expect(await database.prisma.teamMember.count({ where: { userId: { in: goneUserIds } } })).toBe(0);
    for (const account of accounts) await expect(authenticateApiToken(database.prisma, account.token)).rejects.toThrow("unknown API token");
    // Everyone else stays: the admin, the participant, the organizers, the other rehearsal's accounts, the real team.
    expect(await database.prisma.user.count()).toBe(usersBefore - 3);
    expect(await accountsOf(rehearsal.competition.id)).toBe(otherAccounts);
    expect(await database.prisma.user.count({ where: { id: { in: [admin!.userId, participant!.userId, gone.organizer!.userId] } } })).toBe(3);
    expect(await database.prisma.teamMember.count({ where: { teamId: realTeam.id } })).toBe(1);
  });
});
