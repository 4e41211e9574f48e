import { describe, expect, it } from "vitest";
import { finalEntriesOf, rankTeams, type LeaderboardEntry } from "./rank-teams";

const entry = (teamId: string, score: number, minute: number): LeaderboardEntry => ({
  teamId,
  teamName: teamId.toUpperCase(),
  submissionId: `${teamId}-${minute}`,
  submittedAt: new Date(Date.UTC(2026, 11, 1, 14, minute)),
  score,
  hit: {},
  ci95: [score - 10, score + 10],
});

describe("rankTeams", () => {
  it("keeps each team's best entry, shares ranks on ties and orders them by the earlier entry", () => {
    const rows = rankTeams(
      [entry("a", 500, 1), entry("a", 700, 9), entry("b", 700, 5), entry("c", 650, 2), entry("d", 700, 5), entry("e", 100, 3)],
      new Map([["a", 2], ["b", 1], ["c", 1], ["d", 4], ["e", 1]]),
    );
    expect(rows.map((row) => [row.rank, row.team, row.score, row.entries])).toEqual([
      [1, "B", 700, 1],
      [1, "D", 700, 4],
      [1, "A", 700, 2],
      [4, "C", 650, 1],
      [5, "E", 100, 1],
    ]);
    expect(rows[2]!.bestAt).toBe("2026-12-01T14:09:00.000Z");
  });

  it("gives an empty board for no entries", () => {
    expect(rankTeams([], new Map())).toEqual([]);
  });
});

describe("finalEntriesOf", () => {
  const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
  const candidates = [
    { submissionId: "s1", selected: false, publicScore: 300, submittedAt: at(1) },
    { submissionId: "s2", selected: false, publicScore: 900, submittedAt: at(2) },
    { submissionId: "s3", selected: false, publicScore: 600, submittedAt: at(3) },
  ];

  it("takes the best public entries when the team selected none", () => {
    expect(finalEntriesOf(candidates, 2).map((c) => c.submissionId)).toEqual(["s2", "s3"]);
  });

  it("takes the selected entries, even weaker ones, up to the limit", () => {
    const selected = candidates.map((c) => ({ ...c, selected: c.submissionId !== "s2" }));
    expect(finalEntriesOf(selected, 1).map((c) => c.submissionId)).toEqual(["s3"]);
    expect(finalEntriesOf(selected, 5).map((c) => c.submissionId)).toEqual(["s3", "s1"]);
  });
});
