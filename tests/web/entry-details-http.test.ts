import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../lib/auth/api-tokens";
import { createTeam } from "../../lib/teams/create-team";
import { createUser } from "../../lib/users/create-user";
import { createContest, resultsFor } from "../helpers/contest";
import { HttpSession } from "../helpers/http-session";
import { runPodium } from "../helpers/run-cli";
import { startServerWorld, type ServerWorld } from "../helpers/server-world";

// Issue 15: an entry's name and description, through every door a team submits through (multipart, the presigned
// starts and completions of results files and models, the CLI), validated at the edge with the field named; renamed
// afterwards only by the team that owns it; shown escaped on the pages.

const A = "/api/v1/competitions/names";
const HOSTILE_NAME = '<script>alert("name")</script> & <b>bold</b>';
const HOSTILE_DESCRIPTION = 'Method: CLIP.\n<img src=x onerror=alert(1)> [x](javascript:alert(2)) javascript:alert(3)\nPaper: https://example.org/paper?a=1&b=2.';

describe("entry names and descriptions over HTTP", () => {
  let world: ServerWorld;
  let contest: Awaited<ReturnType<typeof createContest>>;
  const tokens = {} as Record<"alice" | "bob" | "carol" | "organizer", string>;
  let teamToken = "";
  let results = "";

  beforeAll(async () => {
    world = await startServerWorld("entry-details");
    const { prisma } = world.database;
    contest = await createContest(prisma, world.store, { slug: "names", settings: { submissionKinds: "results,model", dailyLimit: 50 } });
    await createContest(prisma, world.store, { slug: "elsewhere" });
    const alice = await createUser(prisma, { email: "alice@names.test", password: "alice password 1" });
    const bob = await createUser(prisma, { email: "bob@names.test", password: "bob password 1" });
    const carol = await createUser(prisma, { email: "carol@names.test", password: "carol password 1" });
    const teamA = await createTeam(prisma, { userId: alice.id, isAdmin: false }, "names", "Team Alice");
    await createTeam(prisma, { userId: bob.id, isAdmin: false }, "names", "Team Bob");
    await createTeam(prisma, { userId: carol.id, isAdmin: false }, "elsewhere", "Team Carol");
    tokens.alice = (await createApiToken(prisma, { userId: alice.id, name: "alice" })).token;
    tokens.bob = (await createApiToken(prisma, { userId: bob.id, name: "bob" })).token;
    tokens.carol = (await createApiToken(prisma, { userId: carol.id, name: "carol" })).token;
    tokens.organizer = (await createApiToken(prisma, { userId: contest.organizer!.userId, name: "organizer" })).token;
    teamToken = (await createApiToken(prisma, { userId: alice.id, teamId: teamA.id, name: "team" })).token;
    results = JSON.stringify(resultsFor(contest.queries, contest.gallery, [1, 3]));
  });
  afterAll(async () => {
    await world?.dispose();
  });

  const call = (token: string | null, method: string, path: string, body?: unknown) =>
    fetch(new URL(path, world.server.url), {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const postForm = (fields: Record<string, string>, token = tokens.alice) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.set(name, value);
    form.set("file", new Blob([results], { type: "application/json" }), "ranks.json");
    return fetch(new URL(`${A}/submissions`, world.server.url), { method: "POST", headers: { authorization: `Bearer ${token}` }, body: form });
  };
  const rowOf = (id: string) => world.database.prisma.submission.findUniqueOrThrow({ where: { id }, select: { name: true, description: true, status: true } });
  const count = () => world.database.prisma.submission.count();

  it("takes a name and description with a multipart results file, and returns both in the submission's JSON", async () => {
    const response = await postForm({ name: "  CLIP ViT-B/16 + re-ranking  ", description: "Method: CLIP.\r\nCode: https://example.org/code" });
    const body = (await response.json()) as { submission: { id: string; name: string | null; description: string | null; fileName: string } };
    expect(response.status, JSON.stringify(body)).toBe(201);
    expect(body.submission).toMatchObject({ name: "CLIP ViT-B/16 + re-ranking", description: "Method: CLIP.\nCode: https://example.org/code", fileName: "ranks.json" });
    expect(await rowOf(body.submission.id)).toMatchObject({ name: "CLIP ViT-B/16 + re-ranking", status: "SCORED" });
    const listed = (await (await call(tokens.alice, "GET", `${A}/submissions`)).json()) as { submissions: { id: string; name: string | null }[] };
    expect(listed.submissions.find((entry) => entry.id === body.submission.id)?.name).toBe("CLIP ViT-B/16 + re-ranking");

    // Without the fields, or as a raw JSON body: unnamed.
    const plain = (await (await postForm({})).json()) as { submission: { name: unknown; description: unknown } };
    expect(plain.submission).toMatchObject({ name: null, description: null });
    const raw = await fetch(new URL(`${A}/submissions`, world.server.url), { method: "POST", headers: { authorization: `Bearer ${tokens.alice}`, "content-type": "application/json" }, body: results });
    expect(((await raw.json()) as { submission: { name: unknown } }).submission.name).toBeNull();
  });

  it("refuses a bad name or description at every door before anything is stored or counted, naming the field", async () => {
    const before = await count();
    const refusals: [Response, RegExp][] = [
      [await postForm({ name: "two\nlines" }), /^name: cannot contain control characters/],
      [await postForm({ name: "n".repeat(101) }), /^name: is at most 100 characters \(this one has 101\)$/],
      [await postForm({ description: "d".repeat(2001) }), /^description: is at most 2,000 characters/],
      [await postForm({ description: "bell \u0007" }), /^description: cannot contain control characters other than line breaks and tabs$/],
      [await call(tokens.alice, "POST", `${A}/submissions/uploads`, { fileName: "r.json", size: results.length, name: "x".repeat(101) }), /^name: is at most 100 characters/],
      [await call(tokens.alice, "POST", `${A}/submissions/uploads`, { fileName: "r.json", size: results.length, name: 7 }), /^name: /],
      [await call(tokens.alice, "POST", `${A}/models`, { fileName: "m.onnx", size: 1000, description: "\u202Eevil" }), /^description: cannot contain text-direction control characters$/],
    ];
    for (const [response, message] of refusals) {
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(body.error.code).toBe("BAD_REQUEST");
      expect(body.error.message).toMatch(message);
    }
    expect(await count()).toBe(before);
  });

  it("names a results file sent in parts at its start, and takes a newer name or description at its completion", async () => {
    const start = await call(tokens.alice, "POST", `${A}/submissions/uploads`, { fileName: "parts.json", size: results.length, name: "Sent in parts", description: "first description" });
    const started = (await start.json()) as { submissionId: string; uploadId: string };
    expect(start.status, JSON.stringify(started)).toBe(201);
    expect(await rowOf(started.submissionId)).toMatchObject({ name: "Sent in parts", description: "first description", status: "RECEIVED" });
    const { parts } = (await (await call(tokens.alice, "POST", `${A}/submissions/uploads/${started.submissionId}/parts`, { uploadId: started.uploadId, partNumbers: [1] })).json()) as { parts: { url: string }[] };
    const put = await fetch(new URL(parts[0]!.url, world.server.url), { method: "PUT", body: results });
    expect(put.status).toBe(200);
    const complete = await call(tokens.alice, "POST", `${A}/submissions/uploads/${started.submissionId}/complete`, { uploadId: started.uploadId, parts: [{ partNumber: 1, etag: put.headers.get("etag") }], description: "  newer description " });
    const completed = (await complete.json()) as { submission: { name: string; description: string; status: string } };
    expect(complete.status, JSON.stringify(completed)).toBe(201);
    // The name given at the start stays; the description given at the completion replaces the first.
    expect(completed.submission).toMatchObject({ name: "Sent in parts", description: "newer description", status: "scored" });
  });

  it("names a model upload at its start and its completion", async () => {
    const start = await call(tokens.alice, "POST", `${A}/models`, { fileName: "encoder.onnx", size: 1000, name: "Mean colour", description: "a baseline" });
    const started = (await start.json()) as { submissionId: string; uploadId: string };
    expect(start.status, JSON.stringify(started)).toBe(201);
    expect(await rowOf(started.submissionId)).toMatchObject({ name: "Mean colour", description: "a baseline", status: "RECEIVED" });
    const view = (await (await call(tokens.alice, "GET", `${A}/submissions/${started.submissionId}`)).json()) as { submission: { name: string; description: string; kind: string } };
    expect(view.submission).toMatchObject({ name: "Mean colour", description: "a baseline", kind: "model" });
    const bad = await call(tokens.alice, "POST", `${A}/models/${started.submissionId}/complete`, { uploadId: started.uploadId, parts: [{ partNumber: 1, etag: "x" }], name: "a\tb" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/^name: cannot contain control characters/);
    expect(await rowOf(started.submissionId)).toMatchObject({ name: "Mean colour", status: "RECEIVED" });
  });

  it("lets only the team that owns an entry rename or re-describe it", async () => {
    const { submission } = (await (await postForm({ name: "Original", description: "original description" })).json()) as { submission: { id: string } };
    const path = `${A}/submissions/${submission.id}`;
    const refused: [string | null, number, string][] = [
      [null, 401, "anonymous"],
      [tokens.bob, 404, "another team of the competition"],
      [tokens.carol, 403, "a participant of another competition"],
      [tokens.organizer, 403, "the organizer"],
    ];
    for (const [token, status, who] of refused) {
      const response = await call(token, "PATCH", path, { name: `renamed by ${who}`, description: "taken over" });
      expect(response.status, `${who}: ${await response.clone().text()}`).toBe(status);
    }
    // A cookie session on another site's page cannot do it either.
    const browser = new HttpSession(world.server.url);
    await browser.signIn("alice@names.test", "alice password 1");
    const crossSite = await browser.fetch(path, { method: "PATCH", headers: { "content-type": "application/json", origin: "https://evil.example" }, body: JSON.stringify({ name: "cross-site" }) });
    expect(crossSite.status).toBe(403);
    expect(await rowOf(submission.id)).toMatchObject({ name: "Original", description: "original description" });

    // The team: by API token, by the team's token, and from its own pages (the session, same origin).
    const renamed = await call(tokens.alice, "PATCH", path, { name: "  Renamed  " });
    expect(renamed.status).toBe(200);
    expect(((await renamed.json()) as { submission: { name: string; description: string } }).submission).toMatchObject({ name: "Renamed", description: "original description" });
    expect((await call(teamToken, "PATCH", path, { description: "by the team token" })).status).toBe(200);
    expect(await rowOf(submission.id)).toMatchObject({ name: "Renamed", description: "by the team token" });
    const fromPage = await browser.fetch(path, { method: "PATCH", headers: { "content-type": "application/json", origin: world.server.url }, body: JSON.stringify({ name: "From the page", description: "" }) });
    expect(fromPage.status).toBe(200);
    expect(await rowOf(submission.id)).toMatchObject({ name: "From the page", description: null });

    // Validated like every other door; an empty change and unknown fields are refused.
    for (const [body, message] of [
      [{ name: "x".repeat(101) }, /^name: is at most 100 characters/],
      [{ description: "\u0000" }, /^description: cannot contain control characters/],
      [{}, /give "selectedForFinal", "name" or "description"/],
      [{ title: "x" }, /Unrecognized key/i],
    ] as const) {
      const response = await call(tokens.alice, "PATCH", path, body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(message);
    }
    // null clears; selecting for the final board still works alone and alongside.
    const cleared = await call(tokens.alice, "PATCH", path, { name: null, selectedForFinal: true });
    expect(((await cleared.json()) as { submission: { name: unknown; selectedForFinal: boolean } }).submission).toMatchObject({ name: null, selectedForFinal: true });
  });

  it("shows the team's text escaped on the entry's page, with an edit form for the team only, and in the organizer's table", async () => {
    const { submission } = (await (await postForm({ name: HOSTILE_NAME, description: HOSTILE_DESCRIPTION })).json()) as { submission: { id: string } };
    const alice = new HttpSession(world.server.url);
    await alice.signIn("alice@names.test", "alice password 1");
    const page = (await (await alice.fetch(`/c/names/submissions/${submission.id}`)).text()).replace(/<!-- -->/g, "");
    expect(page).toContain("&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;");
    expect(page).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(page).toMatch(/<a href="https:\/\/example\.org\/paper\?a=1&amp;b=2" rel="noopener noreferrer nofollow" target="_blank"[^>]*>https:\/\/example\.org\/paper\?a=1&amp;b=2<\/a>\./);
    expect(page).not.toContain('<script>alert("name")');
    expect(page).not.toMatch(/<img src=x|href="javascript:|<b>bold/);
    expect(page).toContain('data-testid="entry-details-form"');

    const organizer = new HttpSession(world.server.url);
    await organizer.signIn("organizer-names@contest.test", "organizer password");
    const organizerPage = (await (await organizer.fetch(`/c/names/submissions/${submission.id}`)).text()).replace(/<!-- -->/g, "");
    expect(organizerPage).toContain("&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;");
    expect(organizerPage).not.toContain('data-testid="entry-details-form"');
    const dashboard = (await (await organizer.fetch("/c/names/manage")).text()).replace(/<!-- -->/g, "");
    expect(dashboard).toMatch(/data-testid="organizer-entry-name">&lt;script&gt;alert\(&quot;name&quot;\)&lt;\/script&gt;/);
    expect(dashboard).not.toContain('<script>alert("name")');
  });

  it("takes --name and --description in podium submit, checked before anything is sent", async () => {
    const env = { PODIUM_CONFIG_DIR: join(world.work, "cli-config") };
    expect(runPodium(["login", "--server", world.server.url, "--token", tokens.alice], env).status).toBe(0);
    const file = join(world.work, "cli.json");
    writeFileSync(file, results);
    const submitted = runPodium(["submit", "--competition", "names", "--name", "From the CLI", "--description", "via podium submit\nhttps://example.org", file], env);
    expect(submitted.status, submitted.stderr).toBe(0);
    expect(submitted.stdout).toMatch(/^submission \S+: scored .*\n {2}name {5}From the CLI$/m);
    const id = /submission (\S+): scored/.exec(submitted.stdout)![1]!;
    expect(await rowOf(id)).toMatchObject({ name: "From the CLI", description: "via podium submit\nhttps://example.org" });
    // Over 5 MiB the file goes in parts: the name travels with the upload's start and completion.
    const large = join(world.work, "large.json");
    writeFileSync(large, results + " ".repeat(6 * 1024 * 1024));
    const inParts = runPodium(["submit", "--competition", "names", "--name", "Large one", large], env);
    expect(inParts.status, inParts.stderr).toBe(0);
    const largeId = /submission (\S+): scored/.exec(inParts.stdout)![1]!;
    expect(await rowOf(largeId)).toMatchObject({ name: "Large one", description: null });

    const before = await count();
    const bad = runPodium(["submit", "--competition", "names", "--name", "two\nlines", file], env);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/--name: cannot contain control characters/);
    const long = runPodium(["submit", "--competition", "names", "--description", "d".repeat(2001), file], env);
    expect(long.stderr).toMatch(/--description: is at most 2,000 characters/);
    expect(await count()).toBe(before);
    const listed = runPodium(["submissions", "--competition", "names"], env);
    expect(listed.stdout).toMatch(/ {2}From the CLI$/m);
  });
});
