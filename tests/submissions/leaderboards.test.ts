import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/auth/actor";
import { competitionUpdateSchema } from "../../lib/competitions/competition-settings";
import { updateCompetition } from "../../lib/competitions/manage-competitions";
import type { Database } from "../../lib/db/open-database";
import { getLeaderboard, leaderboardCsv, revealPrivateLeaderboard } from "../../lib/leaderboards/get-leaderboard";
import { type FolderBlobStore } from "../../lib/storage/folder-blob-store";
import { setFinalSelection } from "../../lib/submissions/select-final";
import { createTeam } from "../../lib/teams/create-team";
import { createUser } from "../../lib/users/create-user";
import { createContest, submitRanks } from "../helpers/contest";
import { databaseAndStore } from "../helpers/test-world";

describe("leaderboards", () => {
  let database: Database;
  let store: FolderBlobStore;
  const disposers: (() => Promise<void>)[] = [];
  let contest: Awaited<ReturnType<typeof createContest>>;
  const teams: Record<string, { actor: Actor; id: string }> = {};
  const slug = "boards";

  beforeAll(async () => {
    ({ database, store } = await databaseAndStore("pglite", disposers));
    contest = await createContest(database.prisma, store, { slug, queries: 20, settings: { publicFraction: "0.5", splitSeed: "3", finalSelectionLimit: "1", leaderboard: "hidden" } });
    for (const name of ["alpha", "beta", "gamma"]) {
      const user = await createUser(database.prisma, { email: `${name}@boards.test`, password: "team password 1" });
      const actor: Actor = { userId: user.id, isAdmin: false };
      teams[name] = { actor, id: (await createTeam(database.prisma, actor, slug, name)).id };
    }
  });
  afterAll(async () => {
    for (const dispose of disposers.reverse()) await dispose();
  });

  const submit = (team: string, ranks: number[], minutesAgo: number) => submitRanks(database, store, contest, teams[team]!, ranks, { now: new Date(Date.now() - minutesAgo * 60_000) });

  it("hides a hidden-until-reveal board from participants but not from organizers", async () => {
    await submit("alpha", [1], 50); // 1000 on every split
    await submit("beta", [1, 0], 40);
    await submit("gamma", [1, 0], 30);
    await expect(getLeaderboard(database.prisma, teams.alpha!.actor, slug, "public")).rejects.toThrow(/hidden until the organizers reveal it/);
    await expect(getLeaderboard(database.prisma, null, slug, "private")).rejects.toMatchObject({ code: "FORBIDDEN" });
    const board = await getLeaderboard(database.prisma, contest.organizer, slug, "public");
    expect(board.rows.map((row) => row.team)).toEqual(["alpha", expect.any(String), expect.any(String)]);
  });

  it("ranks public scores with shared ranks for ties, earlier entry first", async () => {
    await updateCompetition(database.prisma, contest.organizer, slug, competitionUpdateSchema.parse({ leaderboard: "public" }));
    const board = await getLeaderboard(database.prisma, null, slug, "public");
    const beta = board.rows.find((row) => row.team === "beta")!;
    const gamma = board.rows.find((row) => row.team === "gamma")!;
    expect(beta.score).toBe(gamma.score);
    expect(beta.rank).toBe(gamma.rank);
    expect(board.rows.indexOf(beta)).toBeLessThan(board.rows.indexOf(gamma)); // beta submitted earlier
    expect(board.rows[0]).toMatchObject({ rank: 1, team: "alpha", score: 1000, entries: 1 });
    expect(leaderboardCsv(board).split("\n")[0]).toBe("rank,team,score,hit@1,hit@5,hit@10,ci95_low,ci95_high,entries,best_at");
    expect(board.history[0]).toMatchObject({ team: "alpha", points: [{ score: 1000 }] });
  });

  it("freezes the public board for participants while organizers keep live scores", async () => {
    const freezeAt = new Date(Date.now() - 20 * 60_000).toISOString();
    await updateCompetition(database.prisma, contest.organizer, slug, competitionUpdateSchema.parse({ leaderboard: "frozen", freezeAt }));
    await submit("gamma", [1], 10); // after the freeze: gamma reaches 1000
    const participants = await getLeaderboard(database.prisma, teams.beta!.actor, slug, "public");
    expect(participants.frozenAt).toBe(new Date(freezeAt).toISOString());
    expect(participants.rows.find((row) => row.team === "gamma")!.score).toBeLessThan(1000);
    const organizers = await getLeaderboard(database.prisma, contest.organizer, slug, "public");
    expect(organizers.organizerView).toBe(true);
    expect(organizers.rows.find((row) => row.team === "gamma")!.score).toBe(1000);
  });

  it("builds the private board from final selections and keeps the reveal's snapshot", async () => {
    // gamma selects its older, weaker entry; with a limit of one it counts instead of the 1000.
    const older = await database.prisma.submission.findFirstOrThrow({ where: { teamId: teams.gamma!.id, status: "SCORED" }, orderBy: { createdAt: "asc" } });
    await setFinalSelection(database.prisma, teams.gamma!.actor, slug, older.id, true);
    const newer = await database.prisma.submission.findFirstOrThrow({ where: { teamId: teams.gamma!.id, status: "SCORED" }, orderBy: { createdAt: "desc" } });
    await expect(setFinalSelection(database.prisma, teams.gamma!.actor, slug, newer.id, true)).rejects.toThrow(/at most 1 entries can be selected/);
    await expect(setFinalSelection(database.prisma, teams.alpha!.actor, slug, newer.id, true)).rejects.toMatchObject({ code: "NOT_FOUND" });

    const revealed = await revealPrivateLeaderboard(database.prisma, contest.organizer, slug);
    expect(revealed.rows[0]).toMatchObject({ team: "alpha", score: 1000 });
    expect(revealed.rows.find((row) => row.team === "gamma")!.score).toBeLessThan(1000);
    await expect(revealPrivateLeaderboard(database.prisma, contest.organizer, slug)).rejects.toThrow(/a reveal is final/);

    // Later entries do not change what participants see: the snapshot is immutable.
    await updateCompetition(database.prisma, contest.organizer, slug, competitionUpdateSchema.parse({ leaderboard: "public", freezeAt: "none" }));
    await submit("beta", [1], 1);
    const seen = await getLeaderboard(database.prisma, teams.beta!.actor, slug, "private");
    expect(seen.rows).toEqual(revealed.rows);
    await expect(setFinalSelection(database.prisma, teams.beta!.actor, slug, older.id, false)).rejects.toThrow(/final selections are closed/);
  });
});
