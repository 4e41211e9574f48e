import { describe, expect, it } from "vitest";
import { verifyRehearsal, type Attempt, type ServerEntry, type VerificationInput } from "../../cli/rehearsal/verify";

// The rehearsal's checks on a small made-up contest: a clean record passes, and each fault is named.
const T0 = Date.parse("2026-12-04T10:00:00Z");
const at = (seconds: number) => T0 + seconds * 1000;

function attempt(seq: number, team: string, door: Attempt["door"], id: string | null, expected: { all: number; public: number; private: number }, extra: Partial<Attempt> = {}): Attempt {
  return { seq, team, kind: "entry", door, sentAt: at(seq), answeredAt: at(seq) + 50, answer: { status: 201, accepted: true, submissionId: id, shownPublic: expected.public, message: "" }, sha256: `sha-${seq}`, expected, acceptedBefore: 0, ...extra };
}

function entry(id: string, team: string, seconds: number, scores: { all: number; public: number; private: number }, extra: Partial<ServerEntry> = {}): ServerEntry {
  return { id, team, kind: "results", channel: "api", status: "scored", createdAt: new Date(at(seconds)).toISOString(), selectedForFinal: false, scores, ...extra };
}

function cleanContest(): VerificationInput {
  const a1 = { all: 500, public: 510, private: 490 };
  const a2 = { all: 700, public: 690, private: 710 };
  const b1 = { all: 600, public: 620, private: 580 };
  return {
    dailyLimit: 2,
    finalSelectionLimit: 1,
    startsAt: T0,
    freezeAt: at(70),
    endsAt: at(100),
    attempts: [
      attempt(1, "A", "web", "e1", a1),
      attempt(2, "B", "legacy", null, b1, { answer: { status: 200, accepted: true, submissionId: null, shownPublic: 620, message: "" } }),
      attempt(80, "A", "cli", "e3", a2, { acceptedBefore: 1, answer: { status: 201, accepted: true, submissionId: "e3", shownPublic: 690, message: "" } }),
      attempt(90, "A", "api", null, a2, { kind: "over-quota", acceptedBefore: 2, answer: { status: 429, accepted: false, submissionId: null, shownPublic: null, message: "no entries left" } }),
      attempt(95, "B", "api", null, b1, { kind: "select-finals", selected: ["e2"], answer: { status: 200, accepted: true, submissionId: null, shownPublic: null, message: "" } }),
      attempt(101, "B", "web", null, b1, { kind: "after-end", acceptedBefore: 1, answer: { status: 403, accepted: false, submissionId: null, shownPublic: null, message: "closed" } }),
    ],
    serverEntries: [entry("e1", "A", 1, a1), entry("e2", "B", 2, b1, { channel: "legacy", sha256: "sha-2", selectedForFinal: true }), entry("e3", "A", 80, a2)],
    quotaUsed: new Map([["A", 2], ["B", 1]]),
    frozenBoards: [
      { at: at(75), rows: [{ rank: 1, team: "B", score: 620, entries: 1 }, { rank: 2, team: "A", score: 510, entries: 1 }] },
      { at: at(85), rows: [{ rank: 1, team: "B", score: 620, entries: 1 }, { rank: 2, team: "A", score: 510, entries: 1 }] },
    ],
    // A did not select: its best public entry (e3, 690) counts with its private 710; B's selected e2 with 580.
    revealedBoard: [{ rank: 1, team: "A", score: 710 }, { rank: 2, team: "B", score: 580 }],
    jobsLeft: [],
    serverErrors: [],
  };
}

describe("verifying a rehearsal", () => {
  it("finds nothing wrong with a contest that went right", () => {
    expect(verifyRehearsal(cleanContest())).toEqual([]);
  });

  it("names an acknowledged entry that the server dropped", () => {
    const input = cleanContest();
    input.serverEntries = input.serverEntries.filter((candidate) => candidate.id !== "e2");
    input.revealedBoard = [{ rank: 1, team: "A", score: 710 }];
    input.frozenBoards = input.frozenBoards.map((board) => ({ ...board, rows: [{ rank: 1, team: "A", score: 510, entries: 1 }] }));
    expect(verifyRehearsal(input)).toEqual([expect.stringMatching(/^B's entry via legacy \(#2, .*\) was acknowledged \(HTTP 200\) but is not on the server$/)]);
  });

  it("names a score that differs from podium score of the same bytes", () => {
    const input = cleanContest();
    input.serverEntries[2] = { ...input.serverEntries[2]!, scores: { all: 699.5, public: 689, private: 710 } };
    const problems = verifyRehearsal(input);
    expect(problems).toContainEqual(expect.stringMatching(/A's entry via cli .* entry e3: the server's all score is 699\.5000, podium score of the same bytes gives 700\.0000/));
    expect(problems).toContainEqual(expect.stringMatching(/the server's public score is 689\.0000, podium score of the same bytes gives 690\.0000/));
  });

  it("names a scored entry nobody acknowledged, an entry over the limit, a moving frozen board, a wrong reveal and a job left", () => {
    const input = cleanContest();
    input.serverEntries.push(entry("ghost", "B", 50, { all: 1, public: 1, private: 1 }));
    input.attempts[3] = { ...input.attempts[3]!, answer: { status: 201, accepted: true, submissionId: "e1", shownPublic: 510, message: "" } };
    input.frozenBoards[1] = { at: at(85), rows: [{ rank: 1, team: "A", score: 690, entries: 2 }, { rank: 2, team: "B", score: 620, entries: 1 }] };
    input.revealedBoard = [{ rank: 1, team: "B", score: 580 }, { rank: 2, team: "A", score: 710 }];
    input.jobsLeft = [{ id: "j1", kind: "score model", state: "queued" }];
    const problems = verifyRehearsal(input).join("\n");
    expect(problems).toMatch(/the server has B's scored entry ghost .* that no answer acknowledged/);
    expect(problems).toMatch(/an entry over the daily limit of 2 was accepted/);
    expect(problems).toMatch(/the public board changed for participants during the freeze/);
    expect(problems).toMatch(/the revealed private board is not the board recomputed from the final entries: row 1 is 1\. B 580\.0000, expected 1\. A 710\.0000/);
    expect(problems).toMatch(/job j1 \(score model\) is still queued after the end/);
  });

  it("names an entry after the end that was accepted, an invalid file accepted, and a quota count that differs", () => {
    const input = cleanContest();
    input.attempts[5] = { ...input.attempts[5]!, answer: { status: 201, accepted: true, submissionId: "late", shownPublic: 620, message: "" } };
    input.serverEntries.push(entry("late", "B", 101, { all: 600, public: 620, private: 580 }));
    input.attempts.push({ ...input.attempts[0]!, seq: 7, kind: "invalid", answer: { status: 201, accepted: true, submissionId: "e1", shownPublic: 0, message: "" } });
    input.quotaUsed.set("A", 3);
    const problems = verifyRehearsal(input).join("\n");
    expect(problems).toMatch(/B's after-end via web .*: an entry after the end was accepted/);
    expect(problems).toMatch(/A's invalid via web .*: an invalid file was accepted/);
    expect(problems).toMatch(/A: the server counts 3 entries used today, 2 were accepted/);
  });
});
