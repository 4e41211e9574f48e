import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../lib/auth/api-tokens";
import { competitionUpdateSchema } from "../../lib/competitions/competition-settings";
import { updateCompetition } from "../../lib/competitions/manage-competitions";
import { type Database } from "../../lib/db/open-database";
import { createTeam } from "../../lib/teams/create-team";
import { createUser } from "../../lib/users/create-user";
import { rawPost, ORIGINAL_CLIENT, pythonWithRequests } from "../helpers/original-client";
import { createContest, publicScoreOf, resultsFor } from "../helpers/contest";
import type { RunningServer } from "../helpers/next-server";
import { startServerWorld, type ServerWorld } from "../helpers/server-world";




describe("submissions over HTTP on PostgreSQL", () => {
  let server: RunningServer;
  let database: Database;
  let work: string;
  let world: ServerWorld;
  let contest: Awaited<ReturnType<typeof createContest>>;
  let teamToken = "";

  beforeAll(async () => {
    world = await startServerWorld("http-submit");
    ({ server, database, work } = world);
    const store = world.store;
    contest = await createContest(database.prisma, store, { slug: "legacy", settings: { legacyEndpoint: "open", dailyLimit: "5" } });
    const admin = await createUser(database.prisma, { email: "admin@http.test", password: "admin password", isAdmin: true });
    await updateCompetition(database.prisma, { userId: admin.id, isAdmin: true }, "legacy", { legacyDefault: true });
    const user = await createUser(database.prisma, { email: "team@http.test", password: "team password 1" });
    await createTeam(database.prisma, { userId: user.id, isAdmin: false }, "legacy", "Concurrent");
    teamToken = (await createApiToken(database.prisma, { userId: user.id, name: "api" })).token;
  });
  afterAll(async () => {
    await world?.dispose();
  });

  it("answers the original client's raw request (no Content-Type) with {accuracy}", async () => {
    const body = JSON.stringify({ groupname: "raw-team", images: resultsFor(contest.queries, contest.gallery, [1, 3, 8, 0]) });
    for (const path of ["/retrieval/", "/c/legacy/retrieval/"]) {
      const reply = await rawPost(`${server.url}${path}`, body);
      expect(reply.status, reply.text).toBe(200);
      expect(reply.contentType).toMatch(/application\/json/);
      // The public score on the contest's half-and-half split (375 on the whole set).
      expect(JSON.parse(reply.text)).toEqual({ accuracy: Math.round(publicScoreOf(contest.competition, contest.queries, [1, 3, 8, 0]) * 100) / 100 });
    }
    const invalid = await rawPost(`${server.url}/retrieval/`, JSON.stringify({ groupname: "raw-team", images: { "q0.jpg": ["nope.jpg"] } }));
    expect(invalid.status).toBe(422);
    expect(invalid.contentType).toMatch(/text\/plain/);
    expect(invalid.text).toMatch(/^1 list entry names a file not in the gallery/);
  });

  it("works with the unmodified Python client: accuracy is <score>, or ERROR: <reason>", () => {
    const python = pythonWithRequests();
    const script = join(work, "client.py");
    writeFileSync(script, ORIGINAL_CLIENT);
    const good = join(work, "good.json");
    writeFileSync(good, JSON.stringify(resultsFor(contest.queries, contest.gallery, [1, 3, 8, 0])));
    const bad = join(work, "bad.json");
    writeFileSync(bad, JSON.stringify({ "q0.jpg": ["q0.jpg"] }));
    const accepted = spawnSync(python, [script, good, "python-team", `${server.url}/retrieval/`], { encoding: "utf8" });
    expect(accepted.stderr).toBe("");
    expect(accepted.stdout.trim()).toBe(`accuracy is ${Math.round(publicScoreOf(contest.competition, contest.queries, [1, 3, 8, 0]) * 100) / 100}`);
    const refused = spawnSync(python, [script, bad, "python-team", `${server.url}/retrieval/`], { encoding: "utf8" });
    expect(refused.stdout).toMatch(/^ERROR: 1 list entry names a file not in the gallery: query "q0\.jpg", position 1, "q0\.jpg"/);
  });

  it("gives exactly five of fifty simultaneous valid submissions with a daily limit of 5", async () => {
    const body = JSON.stringify(resultsFor(contest.queries, contest.gallery, [2]));
    const replies = await Promise.all(
      Array.from({ length: 50 }, () =>
        fetch(`${server.url}/api/v1/competitions/legacy/submissions`, { method: "POST", headers: { authorization: `Bearer ${teamToken}`, "content-type": "application/json" }, body }).then(async (response) => ({
          status: response.status,
          body: (await response.json()) as { error?: { message: string } },
        })),
      ),
    );
    const accepted = replies.filter((reply) => reply.status === 201);
    const refused = replies.filter((reply) => reply.status === 429);
    expect(accepted).toHaveLength(5);
    expect(refused).toHaveLength(45);
    // The reset is the next midnight in the contest's zone (America/Los_Angeles), in the one time format.
    for (const reply of refused) expect(reply.body.error?.message).toMatch(/quota reached: 5 submissions per day; resets at \d{1,2} [A-Z][a-z]{2} \d{4}, 00:00 P[SD]T$/);
    const team = await database.prisma.team.findFirstOrThrow({ where: { name: "Concurrent" } });
    expect(await database.prisma.submission.count({ where: { teamId: team.id, countsTowardQuota: true } })).toBe(5);
    expect(await database.prisma.submission.count({ where: { teamId: team.id } })).toBe(50);
  });

  it("shows a team only public numbers of its own submissions before the reveal", async () => {
    const list = (await (await fetch(`${server.url}/api/v1/competitions/legacy/submissions`, { headers: { authorization: `Bearer ${teamToken}` } })).json()) as {
      submissions: { status: string; scores: Record<string, unknown> }[];
    };
    const scored = list.submissions.filter((submission) => submission.status === "scored");
    expect(scored).toHaveLength(5);
    for (const submission of scored) expect(Object.keys(submission.scores)).toEqual(["public"]);
    await updateCompetition(database.prisma, contest.organizer, "legacy", competitionUpdateSchema.parse({ leaderboard: "public" }));
  });
});
