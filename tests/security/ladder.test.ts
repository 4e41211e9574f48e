import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/auth/actor";
import { competitionUpdateSchema } from "../../lib/competitions/competition-settings";
import { updateCompetition } from "../../lib/competitions/manage-competitions";
import type { Database } from "../../lib/db/open-database";
import { getLeaderboard, leaderboardCsv } from "../../lib/leaderboards/get-leaderboard";
import { splitQueries } from "../../lib/scoring";
import type { FolderBlobStore } from "../../lib/storage/folder-blob-store";
import { getSubmissionForActor, listTeamSubmissions } from "../../lib/submissions/list-submissions";
import { createTeam } from "../../lib/teams/create-team";
import { createUser } from "../../lib/users/create-user";
import { createContest, submitRanks } from "../helpers/contest";
import { databaseAndStore } from "../helpers/test-world";

// THREATS.md, the adaptive prober: many entries that differ slightly reveal the public labels a bit at a time, and
// the public board rewards them. With a ladder threshold, participants see the Ladder (Blum & Hardt 2015): a
// team's shown score moves only past its shown best plus the threshold, rounded to a multiple of it — on the board
// (API, page, CSV) and on the team's own entries alike. Organizers see true scores.
// Realistic settings: a Los Angeles schedule, a freeze ahead (the board still moves), a 0.5 split of 12 queries.

describe("the ladder on the public board", () => {
  let database: Database;
  let store: FolderBlobStore;
  const disposers: (() => Promise<void>)[] = [];
  let contest: Awaited<ReturnType<typeof createContest>>;
  const slug = "ladder";
  const teams: Record<string, { actor: Actor; id: string }> = {};
  const alphaEntries: string[] = [];

  /** Ranks for the 12 queries: rank 10 everywhere but `at` on the public queries listed. */
  const ranksWith = (publicQueries: number[], at: number) => Array.from({ length: 12 }, (_, i) => (publicQueries.includes(i) ? at : 10));

  beforeAll(async () => {
    ({ database, store } = await databaseAndStore("pglite", disposers));
    contest = await createContest(database.prisma, store, { slug, queries: 12, settings: { ladderThreshold: "40" } });
    for (const name of ["Alpha", "Beta"]) {
      const user = await createUser(database.prisma, { email: `${name.toLowerCase()}@ladder.test`, password: "team password 1" });
      const actor: Actor = { userId: user.id, isAdmin: false };
      teams[name] = { actor, id: (await createTeam(database.prisma, actor, slug, name)).id };
    }
    const isPublic = splitQueries(contest.queries, { seed: "fixture", publicFraction: 0.5 });
    const firstPublic = isPublic.indexOf(1);
    const submit = async (team: string, ranks: number[]) => submitRanks(database, store, contest, teams[team]!, ranks);
    // Alpha's public scores: 100 (every query at rank 10), 150 (one public query at 5), 250 (one public query at 1).
    for (const ranks of [ranksWith([], 10), ranksWith([firstPublic], 5), ranksWith([firstPublic], 1)]) alphaEntries.push((await submit("Alpha", ranks)).submissionId);
    await submit("Beta", [5]); // every query at rank 5: 400
  });
  afterAll(async () => {
    for (const dispose of disposers.reverse()) await dispose();
  });

  it("shows participants each team's ladder value, with no hit@k or interval to give the exact score away", async () => {
    for (const viewer of [teams.Alpha!.actor, teams.Beta!.actor, null]) {
      const board = await getLeaderboard(database.prisma, viewer, slug, "public");
      expect(board.ladderThreshold).toBe(40);
      // Alpha: 100 → [100]₄₀ = 120; 150 does not beat 120 + 40; 250 does → [250]₄₀ = 240.
      expect(board.rows.map((row) => [row.rank, row.team, row.score])).toEqual([
        [1, "Beta", 400],
        [2, "Alpha", 240],
      ]);
      expect(board.rows.every((row) => Object.keys(row.hit).length === 0 && row.ci95[0] === row.score)).toBe(true);
      expect(board.history.find((line) => line.team === "Alpha")!.points.map((point) => point.score)).toEqual([120, 240]);
      const csv = leaderboardCsv(board);
      expect(csv.split("\n")[0]).toBe("rank,team,score,ci95_low,ci95_high,entries,best_at");
      expect(csv).toContain("2,Alpha,240.00,240.00,240.00,3,");
    }
    const organizers = await getLeaderboard(database.prisma, contest.organizer, slug, "public");
    expect(organizers.ladderThreshold).toBeUndefined();
    expect(organizers.rows.map((row) => [row.team, row.score])).toEqual([
      ["Beta", 400],
      ["Alpha", 250],
    ]);
  });

  it("tells a team about its own entries what the ladder tells everyone, never the exact public score", async () => {
    const own = await listTeamSubmissions(database.prisma, teams.Alpha!.actor, slug);
    const byId = new Map(own.submissions.map((submission) => [submission.id, submission.scores.public]));
    expect(alphaEntries.map((id) => byId.get(id))).toMatchObject([
      { score: 120, ladder: "improved", hit: {} },
      { score: 120, ladder: "not an improvement beyond the threshold", hit: {} },
      { score: 240, ladder: "improved", hit: {} },
    ]);
    expect(JSON.stringify(own)).not.toMatch(/"score":(150|250)\b/);
    expect((await getSubmissionForActor(database.prisma, teams.Alpha!.actor, slug, alphaEntries[1]!)).scores.public).toMatchObject({ score: 120, ladder: "not an improvement beyond the threshold" });
    // Organizers see the exact score.
    expect((await getSubmissionForActor(database.prisma, contest.organizer, slug, alphaEntries[1]!)).scores.public).toMatchObject({ score: 150 });
  });

  it("is a setting organizers turn off (the exact scores come back) and on again", async () => {
    await updateCompetition(database.prisma, contest.organizer, slug, competitionUpdateSchema.parse({ ladderThreshold: "off" }));
    expect((await getLeaderboard(database.prisma, teams.Alpha!.actor, slug, "public")).rows.find((row) => row.team === "Alpha")!.score).toBe(250);
    await updateCompetition(database.prisma, contest.organizer, slug, competitionUpdateSchema.parse({ ladderThreshold: "40" }));
    expect((await getLeaderboard(database.prisma, teams.Alpha!.actor, slug, "public")).rows.find((row) => row.team === "Alpha")!.score).toBe(240);
    expect(competitionUpdateSchema.safeParse({ ladderThreshold: "-1" }).error?.issues[0]?.message).toMatch(/above 0/);
  });
});
