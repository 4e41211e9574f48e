import { afterAll, describe, expect, it } from "vitest";
import { isAppError } from "../../lib/errors/app-error";
import { startModelUpload } from "../../lib/submissions/submit-model";
import { submitResults } from "../../lib/submissions/submit-results";
import { createTeam } from "../../lib/teams/create-team";
import { createUser } from "../../lib/users/create-user";
import { createContest, resultsFor } from "../helpers/contest";
import { databaseAndStore } from "../helpers/test-world";

// Floods a participant can start: on today's main 20 model uploads of a declared 1 GB each started at once, each a
// multipart upload reserving storage, and nothing limited them.

describe("floods", () => {
  const disposers: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const dispose of disposers.reverse()) await dispose();
  });

  it("limits the model uploads one team starts in an hour, saying when to retry", async () => {
    const { database, store } = await databaseAndStore("pglite", disposers);
    await createContest(database.prisma, store, { slug: "flood", queries: 4, settings: { submissionKinds: "results,model" } });
    const user = await createUser(database.prisma, { email: "flooder@flood.test", password: "flood password 1" });
    await createTeam(database.prisma, { userId: user.id, isAdmin: false }, "flood", "Flooders");
    const actor = { userId: user.id, isAdmin: false };
    const started = await Promise.allSettled(
      Array.from({ length: 25 }, (_, i) => startModelUpload(database, store, actor, "flood", { fileName: `m${i}.onnx`, size: 1_000_000_000, channel: "API" })),
    );
    const refused = started.filter((outcome) => outcome.status === "rejected").map((outcome) => (outcome as PromiseRejectedResult).reason as Error);
    expect(started.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(20);
    expect(refused).toHaveLength(5);
    for (const error of refused) expect(error.message).toMatch(/too many model uploads started by your team: at most 20 per hour; try again in \d+ (minutes|seconds)/);
    expect(await database.prisma.submission.count({ where: { kind: "MODEL" } })).toBe(20);
  });

  // On the main this issue started from a team could send invalid files without end: they use no quota, yet each
  // is stored and parsed (up to 64 MiB), and each answer is a probe.
  it("limits the refused entries one team sends in an hour, then refuses before storing or parsing anything", async () => {
    const { database, store } = await databaseAndStore("pglite", disposers);
    const contest = await createContest(database.prisma, store, { slug: "refused", queries: 4 });
    const user = await createUser(database.prisma, { email: "prober@refused.test", password: "refused password 1" });
    const team = await createTeam(database.prisma, { userId: user.id, isAdmin: false }, "refused", "Probers");
    const submit = (bytes: Uint8Array) => submitResults(database, store, { competitionId: contest.competition.id, teamId: team.id, userId: user.id, channel: "API", bytes, fileName: null });
    for (let i = 0; i < 30; i++) expect((await submit(new TextEncoder().encode(`{"not": "results ${i}"}`))).kind).toBe("invalid");
    const refusal = await submit(new TextEncoder().encode(JSON.stringify(resultsFor(contest.queries, contest.gallery, [1])))).then(
      () => null,
      (error: unknown) => error,
    );
    expect(isAppError(refusal) && refusal.code).toBe("RATE_LIMITED");
    expect((refusal as Error).message).toMatch(/^too many refused entries from your team: at most 30 per hour; try again in \d+ minutes$/);
    expect((refusal as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(3000);
    expect(await database.prisma.submission.count({ where: { teamId: team.id } })).toBe(30);
    // Another team is not touched by this team's refusals.
    const other = await createUser(database.prisma, { email: "other@refused.test", password: "refused password 2" });
    const otherTeam = await createTeam(database.prisma, { userId: other.id, isAdmin: false }, "refused", "Others");
    const fine = await submitResults(database, store, { competitionId: contest.competition.id, teamId: otherTeam.id, userId: other.id, channel: "API", bytes: new TextEncoder().encode(JSON.stringify(resultsFor(contest.queries, contest.gallery, [1]))), fileName: null });
    expect(fine.kind).toBe("scored");
  });
});
