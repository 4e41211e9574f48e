import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/auth/actor";
import { competitionBlobPrefixes, deleteCompetition } from "../../lib/competitions/delete-competition";
import { listCompetitions } from "../../lib/competitions/manage-competitions";
import type { Database } from "../../lib/db/open-database";
import type { FolderBlobStore } from "../../lib/storage/folder-blob-store";
import { createTeam } from "../../lib/teams/create-team";
import { createUser } from "../../lib/users/create-user";
import { createContest, submitRanks } from "../helpers/contest";
import { DATABASE_KINDS } from "../helpers/services";
import { databaseAndStore } from "../helpers/test-world";

// `podium competition delete` (issue 17): a rehearsal goes with everything in it — rows and stored files — while a
// real competition stays unless the organizer says --force, and nobody but its organizers may delete it.

describe.each(DATABASE_KINDS)("deleting a competition on %s", (kind) => {
  let database: Database;
  let store: FolderBlobStore;
  const disposers: (() => Promise<void>)[] = [];
  let organizer: Actor;
  let participant: Actor;

  /** A contest with a dataset, a bundle-to-be and one scored entry, so every kind of stored file exists. */
  async function contestWithAnEntry(slug: string, rehearsal: boolean) {
    const contest = await createContest(database.prisma, store, { slug });
    await database.prisma.competition.update({ where: { id: contest.competition.id }, data: { rehearsal } });
    const team = await createTeam(database.prisma, participant, slug, `Team ${slug}`);
    await submitRanks(database, store, contest, { id: team.id, actor: participant }, [1, 2, 3]);
    return contest.competition.id;
  }

  const storedUnder = async (competitionId: string) => {
    let count = 0;
    for (const prefix of competitionBlobPrefixes(competitionId)) count += (await store.list(prefix, { limit: 1000 })).items.length;
    return count;
  };

  beforeAll(async () => {
    ({ database, store } = await databaseAndStore(kind, disposers));
    organizer = { userId: (await createUser(database.prisma, { email: `admin-${kind}@delete.test`, password: "admin password 1", isAdmin: true })).id, isAdmin: true };
    participant = { userId: (await createUser(database.prisma, { email: `team-${kind}@delete.test`, password: "team password 1" })).id, isAdmin: false };
  });
  afterAll(async () => {
    for (const dispose of disposers.reverse()) await dispose();
  });

  it("deletes a rehearsal with its teams, entries and stored files, leaving other competitions whole", async () => {
    const rehearsalId = await contestWithAnEntry(`rehearsal-${kind}`, true);
    const otherId = await contestWithAnEntry(`other-${kind}`, false);
    const otherFiles = await storedUnder(otherId);
    expect(await storedUnder(rehearsalId)).toBeGreaterThan(0);
    // A rehearsal is not on the landing page.
    expect((await listCompetitions(database.prisma)).map((row) => row.slug)).not.toContain(`rehearsal-${kind}`);

    const deleted = await deleteCompetition(database.prisma, store, organizer, `rehearsal-${kind}`);
    expect(deleted).toMatchObject({ slug: `rehearsal-${kind}`, rehearsal: true, teams: 1, submissions: 1, accounts: 0 });
    expect(deleted.blobs).toBeGreaterThan(0);
    expect(await storedUnder(rehearsalId)).toBe(0);
    expect(await database.prisma.competition.findUnique({ where: { id: rehearsalId } })).toBeNull();
    expect(await database.prisma.submission.count({ where: { competitionId: rehearsalId } })).toBe(0);
    expect(await database.prisma.team.count({ where: { competitionId: rehearsalId } })).toBe(0);
    expect(await database.prisma.datasetVersion.count({ where: { competitionId: rehearsalId } })).toBe(0);
    // The other competition keeps every row and file.
    expect(await storedUnder(otherId)).toBe(otherFiles);
    expect(await database.prisma.submission.count({ where: { competitionId: otherId } })).toBe(1);
  });

  it("refuses a competition that is not a rehearsal without force, and anyone but its organizers", async () => {
    const realId = await contestWithAnEntry(`real-${kind}`, false);
    await expect(deleteCompetition(database.prisma, store, organizer, `real-${kind}`)).rejects.toThrow(/real-\w+ is not a rehearsal: .*say --force/);
    await expect(deleteCompetition(database.prisma, store, participant, `real-${kind}`, { force: true })).rejects.toThrow(/only organizers of real-\w+ may do this/);
    await expect(deleteCompetition(database.prisma, store, null, `real-${kind}`, { force: true })).rejects.toThrow(/sign in/);
    expect(await database.prisma.competition.findUnique({ where: { id: realId } })).not.toBeNull();
    expect(await storedUnder(realId)).toBeGreaterThan(0);

    const forced = await deleteCompetition(database.prisma, store, organizer, `real-${kind}`, { force: true });
    expect(forced).toMatchObject({ rehearsal: false, teams: 1, submissions: 1 });
    expect(await storedUnder(realId)).toBe(0);
    await expect(deleteCompetition(database.prisma, store, organizer, `real-${kind}`, { force: true })).rejects.toThrow(/no competition "real-\w+"/);
  });
});
