import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/auth/actor";
import { createApiToken } from "../../lib/auth/api-tokens";
import { competitionUpdateSchema } from "../../lib/competitions/competition-settings";
import { updateCompetition } from "../../lib/competitions/manage-competitions";
import { type Database } from "../../lib/db/open-database";
import { createTeam, joinTeamByInvite } from "../../lib/teams/create-team";
import { createUser } from "../../lib/users/create-user";
import { ORIGINAL_CLIENT, pythonWithRequests } from "../helpers/original-client";
import { createContest, publicScoreOf, resultsFor } from "../helpers/contest";
import type { RunningServer } from "../helpers/next-server";
import { startServerWorld, type ServerWorld } from "../helpers/server-world";

// Team tokens over HTTP (THREATS.md: another team's tokens are that team's only), the legacy endpoint's token
// mode with the unmodified original client, and the team's quota as the API reports it.



describe("team tokens over HTTP on PostgreSQL", () => {
  let server: RunningServer;
  let database: Database;
  let work: string;
  let world: ServerWorld;
  let contest: Awaited<ReturnType<typeof createContest>>;
  const slug = "team-tokens";
  const personal: Record<"alpha1" | "alpha2" | "beta" | "organizer", string> = { alpha1: "", alpha2: "", beta: "", organizer: "" };
  let alphaToken = { id: "", token: "" };

  const api = async (token: string | null, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}/api/v1/competitions/${slug}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: (await response.json().catch(() => null)) as Record<string, unknown> & { error?: { message: string } } };
  };
  const python = (groupname: string, url: string) => {
    const script = join(work, "client.py");
    writeFileSync(script, ORIGINAL_CLIENT);
    const results = join(work, "results.json");
    writeFileSync(results, JSON.stringify(resultsFor(contest.queries, contest.gallery, [1, 3, 8, 0])));
    return spawnSync(pythonWithRequests(), [script, results, groupname, url], { encoding: "utf8" });
  };

  beforeAll(async () => {
    world = await startServerWorld("team-tokens");
    ({ server, database, work } = world);
    const store = world.store;
    contest = await createContest(database.prisma, store, { slug, settings: { legacyEndpoint: "token", dailyLimit: "3" } });
    const actors: Record<string, Actor> = {};
    for (const name of ["alpha1", "alpha2", "beta"] as const) {
      const user = await createUser(database.prisma, { email: `${name}@tokens.test`, password: `${name} password 1` });
      actors[name] = { userId: user.id, isAdmin: false };
      personal[name] = (await createApiToken(database.prisma, { userId: user.id, name: "cli" })).token;
    }
    personal.organizer = (await createApiToken(database.prisma, { userId: contest.organizer!.userId, name: "cli" })).token;
    const alpha = await createTeam(database.prisma, actors.alpha1!, slug, "Alpha");
    await joinTeamByInvite(database.prisma, actors.alpha2!, slug, alpha.inviteCode);
    await createTeam(database.prisma, actors.beta!, slug, "Beta");
  });
  afterAll(async () => {
    await world?.dispose();
  });

  it("lets a member create a team token, shown once, that every member lists and nobody else sees", async () => {
    const created = await api(personal.alpha1, "POST", "/team/tokens", { name: "notebook" });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ name: "notebook", team: "Alpha", token: expect.stringMatching(/^pod_/) });
    alphaToken = { id: created.body.id as string, token: created.body.token as string };

    const listed = await api(personal.alpha2, "GET", "/team/tokens");
    expect(listed.status).toBe(200);
    expect(listed.body.team).toBe("Alpha");
    const tokens = listed.body.tokens as Record<string, unknown>[];
    expect(tokens.map((token) => token.id)).toEqual([alphaToken.id]);
    expect(tokens[0]).toMatchObject({ prefix: alphaToken.token.slice(0, 10), createdBy: "alpha1@tokens.test", revokedAt: null });
    expect(JSON.stringify(listed.body)).not.toContain(alphaToken.token);
    expect(tokens[0]).not.toHaveProperty("tokenHash");

    // Another team sees its own (none), cannot revoke Alpha's, and learns nothing from the id.
    expect((await api(personal.beta, "GET", "/team/tokens")).body).toMatchObject({ team: "Beta", tokens: [] });
    const stolen = await api(personal.beta, "DELETE", `/team/tokens/${alphaToken.id}`);
    expect(stolen.status).toBe(404);
    expect(stolen.body.error?.message).toMatch(/no active token .* of team "Beta"/);
    expect((await api(personal.beta, "DELETE", "/team/tokens/no-such-id")).status).toBe(404);
    // Organizers are in no team; anonymous callers are asked to sign in; a team token cannot mint more.
    expect((await api(personal.organizer, "GET", "/team/tokens")).status).toBe(403);
    expect((await api(personal.organizer, "POST", "/team/tokens", { name: "x" })).status).toBe(403);
    expect((await api(null, "GET", "/team/tokens")).status).toBe(401);
    expect((await api(null, "POST", "/team/tokens", { name: "x" })).status).toBe(401);
    expect((await api(alphaToken.token, "POST", "/team/tokens", { name: "child" })).status).toBe(403);
    expect((await api(personal.alpha1, "GET", "/team/tokens")).body.tokens).toHaveLength(1);
  });

  it("lets the unmodified original client post with ?token= in token mode, and tells it why once revoked", () => {
    const url = `${server.url}/c/${slug}/retrieval/`;
    const accepted = python("Alpha", `${url}?token=${alphaToken.token}`);
    expect(accepted.stderr).toBe("");
    expect(accepted.stdout.trim()).toBe(`accuracy is ${Math.round(publicScoreOf(contest.competition, contest.queries, [1, 3, 8, 0]) * 100) / 100}`);
    expect(python("Alpha", url).stdout).toMatch(/^ERROR: this competition needs your team token/);
    expect(python("Beta", `${url}?token=${alphaToken.token}`).stdout).toMatch(/^ERROR: that token does not belong to team "Beta"/);
  });

  it("reports the team's members, invite code and quota as submitResults counts it", async () => {
    const entry = await fetch(`${server.url}/api/v1/competitions/${slug}/submissions`, {
      method: "POST",
      headers: { authorization: `Bearer ${personal.alpha2}`, "content-type": "application/json" },
      body: JSON.stringify(resultsFor(contest.queries, contest.gallery, [2])),
    });
    expect(entry.status).toBe(201);
    const alpha = await api(personal.alpha1, "GET", "/team");
    expect(alpha.status).toBe(200);
    const team = await database.prisma.team.findFirstOrThrow({ where: { name: "Alpha" } });
    expect(alpha.body).toMatchObject({
      team: { name: "Alpha", disqualified: false },
      members: [
        { name: "alpha1@tokens.test", role: "CAPTAIN" },
        { name: "alpha2@tokens.test", role: "MEMBER" },
      ],
      inviteCode: team.inviteCode,
      quota: { dailyLimit: 3, usedToday: 2, leftToday: 1, totalLimit: null, usedTotal: 2, leftTotal: null, resetsAt: expect.any(String) },
    });
    // Midnight in the competition's zone (America/Los_Angeles), not UTC's.
    expect(new Date((alpha.body.quota as { resetsAt: string }).resetsAt).getUTCHours()).toBeGreaterThanOrEqual(7);
    expect((await api(personal.beta, "GET", "/team")).body).toMatchObject({ team: { name: "Beta" }, quota: { usedToday: 0, leftToday: 3 } });
    // Through a team token: the quota, but not the invite code (it lets people join the team).
    expect((await api(alphaToken.token, "GET", "/team")).body).toMatchObject({ team: { name: "Alpha" }, inviteCode: null, quota: { usedToday: 2 } });
    expect((await api(personal.organizer, "GET", "/team")).status).toBe(403);
    expect((await api(null, "GET", "/team")).status).toBe(401);
  });

  it("revokes a team token for every member's client at once", async () => {
    const revoked = await api(personal.alpha2, "DELETE", `/team/tokens/${alphaToken.id}`);
    expect(revoked.status).toBe(200);
    expect(python("Alpha", `${server.url}/c/${slug}/retrieval/?token=${alphaToken.token}`).stdout).toMatch(/^ERROR: API token pod_.{6}… was revoked/);
    expect((await api(personal.alpha1, "DELETE", `/team/tokens/${alphaToken.id}`)).status).toBe(404);
  });

  it("in open mode, refuses a post in the name of a team with members without its token, and limits new teams per address", async () => {
    await updateCompetition(database.prisma, contest.organizer, slug, competitionUpdateSchema.parse({ legacyEndpoint: "open" }));
    const url = `${server.url}/c/${slug}/retrieval/`;
    expect(python("Alpha", url).stdout).toMatch(/^ERROR: team "Alpha" has members, so it takes posts here only with its team token/);
    const fresh = await api(personal.alpha1, "POST", "/team/tokens", { name: "open mode" });
    expect(python("Alpha", `${url}?token=${fresh.body.token as string}`).stdout).toMatch(/^accuracy is /);
    for (let i = 0; i < 5; i++) expect(python(`Walk-in ${i}`, url).stdout).toMatch(/^accuracy is /);
    const refused = await fetch(url, { method: "POST", body: JSON.stringify({ groupname: "Walk-in 6", images: resultsFor(contest.queries, contest.gallery, [1]) }) });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(3000);
    expect(await refused.text()).toMatch(/^too many new teams from your address: at most 5 per hour; try again in \d+ minutes/);
  });
});
