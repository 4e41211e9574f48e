import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../lib/auth/api-tokens";
import type { Actor } from "../../lib/auth/actor";
import { competitionCreateSchema } from "../../lib/competitions/competition-settings";
import { createCompetition } from "../../lib/competitions/manage-competitions";
import { activateDatasetVersion, datasetKeys, runDatasetValidation } from "../../lib/datasets/dataset-versions";
import { openDatabase, type Database } from "../../lib/db/open-database";
import { FolderBlobStore } from "../../lib/storage/folder-blob-store";
import { createTeam } from "../../lib/teams/create-team";
import { splitQueries } from "../../lib/scoring";
import { createUser } from "../../lib/users/create-user";
import { submitResults } from "../../lib/submissions/submit-results";
import { resultsFor } from "../helpers/contest";
import { tarArchive, validDatasetEntries } from "../helpers/archives";
import { HttpSession } from "../helpers/http-session";
import { startNextServer, type RunningServer } from "../helpers/next-server";
import { createPostgresDatabase } from "../helpers/services";
import { uploadDatasetArchive } from "../helpers/upload";
import { pageDoors, routeDoors, serverActionDoors } from "../helpers/doors-on-disk";

// Every route and server action added for organizers, called as each kind of actor, with the allowed or denied
// outcome asserted — and the hidden labels, gallery and split seed checked never to reach a participant.

const ACTORS = ["anonymous", "participant", "otherParticipant", "otherOrganizer", "organizer", "admin"] as const;
type ActorName = (typeof ACTORS)[number];
const PASSWORD = "matrix password 1";

/** The exact status each actor gets from a door: a success is a number as much as a refusal is. */
type Expected = Record<ActorName, number>;
/** Pages and server actions answer with a redirect or a page that says why; these name the answer. */
type PageOutcome = 200 | "sign-in" | "not-organizer" | "not-in-team" | { redirect: RegExp };

const byActor = (anonymous: number, participant: number, otherParticipant: number, otherOrganizer: number, organizer: number, admin: number): Expected => ({
  anonymous,
  participant,
  otherParticipant,
  otherOrganizer,
  organizer,
  admin,
});
const organizersOnly = (ok = 200): Expected => byActor(401, 403, 403, 403, ok, ok);
const signedIn = (ok = 200): Expected => byActor(401, ok, ok, ok, ok, ok);
const everyone = (status = 200): Expected => byActor(status, status, status, status, status, status);
const participantsOfA = (ok = 200): Expected => byActor(401, ok, 403, 403, ok, ok);
const teamOfA = (ok = 200): Expected => byActor(401, ok, 403, 403, 403, 403);
const teamOrOrganizersOfA = (ok = 200): Expected => byActor(401, ok, 403, 403, ok, ok);

describe("authorization matrix", () => {
  let server: RunningServer;
  let database: Database;
  let work: string;
  let dropDatabase: () => Promise<void>;
  const tokens = {} as Record<ActorName, string | null>;
  const sessions = {} as Record<ActorName, HttpSession>;
  const actors = {} as Record<ActorName, Actor>;
  let versionId = "";
  let submissionId = "";
  let competitionId = "";
  let teamId = "";
  let counter = 0;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "podium-matrix-"));
    const created = await createPostgresDatabase();
    dropDatabase = created.drop;
    database = await openDatabase({ database: { kind: "postgres", url: created.url, dataDir: "" }, migrate: true });
    const env = { DATABASE_URL: created.url, PODIUM_DATA_DIR: join(work, "data"), PODIUM_SECRET: "matrix-secret", S3_BUCKET: "" };
    server = await startNextServer(env);
    const store = new FolderBlobStore({ root: join(work, "data", "blobs"), baseUrl: server.url, secret: "matrix-secret" });

    for (const name of ACTORS) {
      if (name === "anonymous") {
        actors[name] = null;
        tokens[name] = null;
      } else {
        const user = await createUser(database.prisma, { email: `${name.toLowerCase()}@matrix.test`, password: PASSWORD, isAdmin: name === "admin" });
        actors[name] = { userId: user.id, isAdmin: name === "admin" };
        tokens[name] = (await createApiToken(database.prisma, { userId: user.id, name: "matrix" })).token;
      }
      sessions[name] = new HttpSession(server.url);
      if (name !== "anonymous") await sessions[name].signIn(`${name.toLowerCase()}@matrix.test`, PASSWORD);
    }
    // Teams see their visual analysis during comp-a (the default waits for the end), so its doors are tried here.
    const a = await createCompetition(database.prisma, actors.organizer, competitionCreateSchema.parse({ slug: "comp-a", title: "A", splitSeed: "secret-seed-a", teamAnalysis: "during" }));
    competitionId = a.id;
    await createCompetition(database.prisma, actors.otherOrganizer, competitionCreateSchema.parse({ slug: "comp-b", title: "B" }));
    await createCompetition(database.prisma, actors.admin, competitionCreateSchema.parse({ slug: "comp-c", title: "C" }));
    await createTeam(database.prisma, actors.participant, "comp-a", "Team A");
    await createTeam(database.prisma, actors.otherParticipant, "comp-b", "Team B");
    const archive = await tarArchive(await validDatasetEntries(4), true);
    versionId = (await uploadDatasetArchive(database.prisma, store, actors.organizer, "comp-a", "a.tar.gz", archive)).versionId;
    await runDatasetValidation(database.prisma, store, versionId);
    await activateDatasetVersion(database.prisma, actors.organizer, "comp-a", 1);
    const team = await database.prisma.team.findFirstOrThrow({ where: { name: "Team A" } });
    teamId = team.id;
    const queries = ["q0.jpg", "q1.jpg", "q2.jpg", "q3.jpg"];
    const outcome = await submitResults(database, store, {
      competitionId,
      teamId: team.id,
      userId: actors.participant!.userId,
      channel: "API",
      bytes: new TextEncoder().encode(JSON.stringify(resultsFor(queries, [...queries.map((_, i) => `g${i}.jpg`), "distractor-1.png", "distractor-2.jpg"], [1, 2]))),
      fileName: null,
    });
    submissionId = outcome.submissionId;
  });
  afterAll(async () => {
    await server?.stop();
    await database?.close();
    await dropDatabase?.();
    rmSync(work, { recursive: true, force: true });
  });

  const api = (actor: ActorName, method: string, path: string, body?: unknown) =>
    fetch(new URL(path, server.url), {
      method,
      redirect: "manual",
      headers: { ...(tokens[actor] ? { authorization: `Bearer ${tokens[actor]}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  /** One call of a door. `door` is the route's key on disk ("METHOD /path"); several rows may share a door. */
  interface RouteRow {
    door: string;
    label?: string;
    expected: Expected;
    call: (actor: ActorName) => Promise<Response>;
  }
  const A = "/api/v1/competitions/comp-a";
  const routes: RouteRow[] = [
    { door: "GET /api/health", expected: everyone(), call: (actor) => api(actor, "GET", "/api/health") },
    { door: "GET /podium_client.py", expected: everyone(), call: (actor) => api(actor, "GET", "/podium_client.py") },
    { door: "GET /api/v1/openapi.json", expected: everyone(), call: (actor) => api(actor, "GET", "/api/v1/openapi.json") },
    { door: "GET /api/auth/{...nextauth}", label: "session", expected: everyone(), call: (actor) => sessions[actor].fetch("/api/auth/session") },
    {
      door: "POST /api/auth/{...nextauth}",
      label: "credentials with a wrong password",
      // Auth.js answers a failed sign-in with a redirect to the sign-in page, never a session.
      expected: everyone(302),
      call: async (actor) => {
        const fresh = new HttpSession(server.url);
        const csrf = (await (await fresh.fetch("/api/auth/csrf")).json()) as { csrfToken: string };
        return fresh.fetch("/api/auth/callback/credentials", {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ csrfToken: csrf.csrfToken, email: `${actor.toLowerCase()}@matrix.test`, password: "wrong password", callbackUrl: server.url }),
        });
      },
    },
    // Unsigned blob URLs: refused whoever asks (signed ones are checked below).
    { door: "GET /api/blobs/{...key}", expected: everyone(400), call: (actor) => api(actor, "GET", `/api/blobs/competitions/${competitionId}/x`) },
    { door: "HEAD /api/blobs/{...key}", expected: everyone(400), call: (actor) => api(actor, "HEAD", `/api/blobs/competitions/${competitionId}/x`) },
    { door: "PUT /api/blobs/{...key}", expected: everyone(400), call: (actor) => api(actor, "PUT", `/api/blobs/competitions/${competitionId}/x`, "bytes") },
    { door: "GET /api/v1/me", expected: signedIn(), call: (actor) => api(actor, "GET", "/api/v1/me") },
    { door: "GET /api/v1/tokens", expected: signedIn(), call: (actor) => api(actor, "GET", "/api/v1/tokens") },
    { door: "POST /api/v1/tokens", expected: signedIn(), call: (actor) => api(actor, "POST", "/api/v1/tokens", { name: "extra" }) },
    {
      door: "DELETE /api/v1/tokens/{id}",
      label: "the organizer's token",
      expected: byActor(401, 404, 404, 404, 200, 404),
      call: async (actor) => api(actor, "DELETE", `/api/v1/tokens/${(await createApiToken(database.prisma, { userId: actors.organizer!.userId, name: `victim of ${actor}` })).id}`),
    },
    { door: "GET /api/v1/competitions", expected: everyone(), call: (actor) => api(actor, "GET", "/api/v1/competitions") },
    { door: "POST /api/v1/competitions", expected: signedIn(201), call: (actor) => api(actor, "POST", "/api/v1/competitions", { slug: `new-${actor.toLowerCase()}-${counter++}`, title: "New" }) },
    { door: "GET /api/v1/competitions/{slug}", expected: everyone(), call: (actor) => api(actor, "GET", A) },
    { door: "PATCH /api/v1/competitions/{slug}", expected: organizersOnly(), call: (actor) => api(actor, "PATCH", A, { description: `edited by ${actor}` }) },
    // comp-a is not a rehearsal: its organizers reach the refusal that asks for --force (409), nobody else gets that far.
    { door: "DELETE /api/v1/competitions/{slug}", expected: organizersOnly(409), call: (actor) => api(actor, "DELETE", A) },
    // Rehearsal accounts are an admin's alone (organizers too are refused); comp-a is no rehearsal, so the admin gets 409.
    { door: "POST /api/v1/competitions/{slug}/rehearsal/accounts", expected: byActor(401, 403, 403, 403, 403, 409), call: (actor) => api(actor, "POST", `${A}/rehearsal/accounts`, { names: [`by-${actor.toLowerCase()}`] }) },
    { door: "POST /api/v1/competitions/{slug}/organizers", expected: organizersOnly(), call: (actor) => api(actor, "POST", `${A}/organizers`, { email: "admin@matrix.test" }) },
    { door: "GET /api/v1/competitions/{slug}/datasets", expected: organizersOnly(), call: (actor) => api(actor, "GET", `${A}/datasets`) },
    { door: "POST /api/v1/competitions/{slug}/datasets", expected: organizersOnly(201), call: (actor) => api(actor, "POST", `${A}/datasets`, { fileName: "x.zip", size: 100 }) },
    { door: "GET /api/v1/competitions/{slug}/datasets/{id}", expected: organizersOnly(), call: (actor) => api(actor, "GET", `${A}/datasets/${versionId}`) },
    // A validated version takes no more parts: the organizer is told so, everyone else never learns it exists.
    { door: "POST /api/v1/competitions/{slug}/datasets/{id}/parts", expected: organizersOnly(409), call: (actor) => api(actor, "POST", `${A}/datasets/${versionId}/parts`, { uploadId: "x", partNumbers: [1] }) },
    { door: "POST /api/v1/competitions/{slug}/datasets/{id}/complete", expected: organizersOnly(409), call: (actor) => api(actor, "POST", `${A}/datasets/${versionId}/complete`, { uploadId: "x", parts: [{ partNumber: 1, etag: "x" }] }) },
    { door: "POST /api/v1/competitions/{slug}/datasets/{id}/activate", expected: organizersOnly(), call: (actor) => api(actor, "POST", `${A}/datasets/1/activate`) },
    { door: "GET /api/v1/competitions/{slug}/bundle", expected: participantsOfA(), call: (actor) => api(actor, "GET", `${A}/bundle`) },
    { door: "GET /api/v1/competitions/{slug}/audit", expected: organizersOnly(), call: (actor) => api(actor, "GET", `${A}/audit?format=csv`) },
    {
      door: "POST /api/v1/competitions/{slug}/teams",
      label: "in comp-b",
      expected: byActor(401, 201, 409, 403, 201, 201),
      call: (actor) => api(actor, "POST", "/api/v1/competitions/comp-b/teams", { name: `team of ${actor}` }),
    },
    {
      door: "POST /api/v1/competitions/{slug}/teams/join",
      label: "Team A's invite code",
      expected: byActor(401, 409, 200, 200, 403, 403),
      call: async (actor) => {
        const team = await database.prisma.team.findUniqueOrThrow({ where: { id: teamId } });
        const response = await api(actor, "POST", `${A}/teams/join`, { code: team.inviteCode });
        // Whoever joined leaves again, so Team A keeps one member for the rows that follow.
        if (response.status === 200) await api(actor, "POST", `${A}/team/leave`);
        return response;
      },
    },
    { door: "POST /api/v1/competitions/{slug}/team/invite", expected: teamOfA(), call: (actor) => api(actor, "POST", `${A}/team/invite`) },
    // Leaving is tried in comp-c, where nobody is in a team.
    { door: "POST /api/v1/competitions/{slug}/team/leave", expected: byActor(401, 403, 403, 403, 403, 403), call: (actor) => api(actor, "POST", "/api/v1/competitions/comp-c/team/leave") },
    { door: "GET /api/v1/competitions/{slug}/team", expected: teamOfA(), call: (actor) => api(actor, "GET", `${A}/team`) },
    { door: "GET /api/v1/competitions/{slug}/team/tokens", expected: teamOfA(), call: (actor) => api(actor, "GET", `${A}/team/tokens`) },
    { door: "POST /api/v1/competitions/{slug}/team/tokens", expected: teamOfA(201), call: (actor) => api(actor, "POST", `${A}/team/tokens`, { name: `by ${actor}` }) },
    {
      door: "DELETE /api/v1/competitions/{slug}/team/tokens/{id}",
      label: "a token of Team A",
      expected: teamOfA(),
      call: async (actor) => api(actor, "DELETE", `${A}/team/tokens/${(await createApiToken(database.prisma, { userId: actors.participant!.userId, teamId, name: `target of ${actor}` })).id}`),
    },
    { door: "POST /api/v1/competitions/{slug}/submissions", label: "an invalid file", expected: teamOfA(422), call: (actor) => api(actor, "POST", `${A}/submissions`, { "q0.jpg": [] }) },
    { door: "GET /api/v1/competitions/{slug}/submissions", expected: teamOfA(), call: (actor) => api(actor, "GET", `${A}/submissions`) },
    { door: "POST /api/v1/competitions/{slug}/submissions/uploads", label: "a size over the limit", expected: teamOfA(413), call: (actor) => api(actor, "POST", `${A}/submissions/uploads`, { size: 65 * 1024 * 1024 }) },
    { door: "POST /api/v1/competitions/{slug}/submissions/uploads/{id}/parts", label: "a scored entry's id", expected: teamOfA(409), call: (actor) => api(actor, "POST", `${A}/submissions/uploads/${submissionId}/parts`, { uploadId: "x", partNumbers: [1] }) },
    { door: "POST /api/v1/competitions/{slug}/submissions/uploads/{id}/complete", label: "a scored entry's id", expected: teamOfA(409), call: (actor) => api(actor, "POST", `${A}/submissions/uploads/${submissionId}/complete`, { uploadId: "x", parts: [{ partNumber: 1, etag: "x" }] }) },
    { door: "POST /api/v1/competitions/{slug}/models", label: "a model in a results-only contest", expected: teamOfA(400), call: (actor) => api(actor, "POST", `${A}/models`, { fileName: "m.onnx", size: 100 }) },
    { door: "POST /api/v1/competitions/{slug}/models/{id}/parts", label: "a results entry's id", expected: teamOfA(404), call: (actor) => api(actor, "POST", `${A}/models/${submissionId}/parts`, { uploadId: "x", partNumbers: [1] }) },
    { door: "POST /api/v1/competitions/{slug}/models/{id}/complete", label: "a results entry's id", expected: teamOfA(404), call: (actor) => api(actor, "POST", `${A}/models/${submissionId}/complete`, { uploadId: "x", parts: [{ partNumber: 1, etag: "x" }] }) },
    { door: "GET /api/v1/competitions/{slug}/submissions/{id}/results", label: "a results file has no generated file", expected: teamOrOrganizersOfA(404), call: (actor) => api(actor, "GET", `${A}/submissions/${submissionId}/results`) },
    { door: "GET /api/v1/competitions/{slug}/submissions/{id}", expected: teamOrOrganizersOfA(), call: (actor) => api(actor, "GET", `${A}/submissions/${submissionId}`) },
    { door: "PATCH /api/v1/competitions/{slug}/submissions/{id}", expected: teamOfA(), call: (actor) => api(actor, "PATCH", `${A}/submissions/${submissionId}`, { selectedForFinal: true }) },
    // Renaming an entry: only its team; organizers read the team's text but do not write it.
    {
      door: "PATCH /api/v1/competitions/{slug}/submissions/{id}",
      label: "name and description",
      expected: teamOfA(),
      call: (actor) => api(actor, "PATCH", `${A}/submissions/${submissionId}`, { name: `named by ${actor}`, description: "https://example.org/method" }),
    },
    { door: "GET /api/v1/competitions/{slug}/leaderboard", label: "public", expected: everyone(), call: (actor) => api(actor, "GET", `${A}/leaderboard`) },
    { door: "GET /api/v1/competitions/{slug}/leaderboard", label: "public, CSV", expected: everyone(), call: (actor) => api(actor, "GET", `${A}/leaderboard?format=csv`) },
    { door: "GET /api/v1/competitions/{slug}/leaderboard", label: "private before the reveal", expected: byActor(403, 403, 403, 403, 200, 200), call: (actor) => api(actor, "GET", `${A}/leaderboard?board=private`) },
    { door: "GET /api/v1/competitions/{slug}/admin/jobs", expected: organizersOnly(), call: (actor) => api(actor, "GET", `${A}/admin/jobs`) },
    { door: "GET /api/v1/competitions/{slug}/admin/submissions", expected: organizersOnly(), call: (actor) => api(actor, "GET", `${A}/admin/submissions?status=scored&q=team`) },
    { door: "GET /api/v1/competitions/{slug}/admin/teams", expected: organizersOnly(), call: (actor) => api(actor, "GET", `${A}/admin/teams`) },
    { door: "POST /api/v1/competitions/{slug}/admin/submissions/{id}/rerun", expected: organizersOnly(), call: (actor) => api(actor, "POST", `${A}/admin/submissions/${submissionId}/rerun`) },
    // Disqualify, then re-instate at once: later rows need Team A able to submit. The admin finds each already done.
    { door: "POST /api/v1/competitions/{slug}/admin/teams/{id}/disqualify", expected: byActor(401, 403, 403, 403, 200, 409), call: (actor) => api(actor, "POST", `${A}/admin/teams/${teamId}/disqualify`, { reason: `matrix run by ${actor}` }) },
    { door: "POST /api/v1/competitions/{slug}/admin/teams/{id}/reinstate", expected: byActor(401, 403, 403, 403, 200, 409), call: (actor) => api(actor, "POST", `${A}/admin/teams/${teamId}/reinstate`) },
    { door: "GET /c/{slug}/submissions/{id}/analysis/image", expected: teamOrOrganizersOfA(), call: (actor) => api(actor, "GET", `/c/comp-a/submissions/${submissionId}/analysis/image?set=query&name=q0.jpg`) },
    { door: "POST /c/{slug}/retrieval", label: "legacy endpoint off", expected: everyone(404), call: (actor) => api(actor, "POST", "/c/comp-a/retrieval/", { groupname: "Team A", images: {} }) },
    { door: "POST /retrieval", label: "no default competition", expected: everyone(404), call: (actor) => api(actor, "POST", "/retrieval/", { groupname: "Team A", images: {} }) },
    // Last: a reveal is final.
    { door: "POST /api/v1/competitions/{slug}/reveal", expected: byActor(401, 403, 403, 403, 200, 409), call: (actor) => api(actor, "POST", `${A}/reveal`, { confirm: true }) },
  ];

  it("has a row for every route handler on disk, and none for a route that does not exist", () => {
    const onDisk = new Set(routeDoors().map((door) => door.key));
    const inMatrix = new Set(routes.map((row) => row.door));
    expect([...onDisk].filter((door) => !inMatrix.has(door)), "routes on disk without a row").toEqual([]);
    expect([...inMatrix].filter((door) => !onDisk.has(door)), "rows for no route").toEqual([]);
  });

  it("shows a team only public numbers of its own entries before the reveal", async () => {
    const body = await (await api("participant", "GET", `/api/v1/competitions/comp-a/submissions/${submissionId}`)).json();
    expect(Object.keys(body.submission.scores)).toEqual(["public"]);
    const organizerView = await (await api("organizer", "GET", `/api/v1/competitions/comp-a/submissions/${submissionId}`)).json();
    expect(Object.keys(organizerView.submission.scores).sort()).toEqual(["all", "private", "public"]);
  });

  // Rows run in order (later rows rely on earlier ones: disqualify before reinstate, the reveal last).
  describe.each(routes.map((row) => ({ ...row, name: row.label ? `${row.door} (${row.label})` : row.door })))("$name", ({ expected, call }) => {
    it.each(ACTORS)("as %s", async (actor) => {
      const response = await call(actor);
      expect(response.status, `${actor}: ${response.status} ${(await response.clone().text()).slice(0, 300)}`).toBe(expected[actor]);
    });
  });

  it("keeps private queries out of a team's visual analysis and refuses their images", async () => {
    const queries = ["q0.jpg", "q1.jpg", "q2.jpg", "q3.jpg"];
    const isPublic = splitQueries(queries, { seed: "secret-seed-a", publicFraction: 0.5 });
    const [publicQuery, privateQuery] = [queries.find((_, i) => isPublic[i] === 1)!, queries.find((_, i) => isPublic[i] === 0)!];
    const image = (actor: ActorName, name: string) => api(actor, "GET", `/c/comp-a/submissions/${submissionId}/analysis/image?set=query&name=${name}`);
    await database.prisma.competition.update({ where: { id: competitionId }, data: { publicFraction: 0.5 } });
    try {
      const team = await image("participant", publicQuery);
      expect(team.status).toBe(200);
      expect(team.headers.get("content-type")).toBe("image/webp");
      expect((await image("participant", privateQuery)).status).toBe(404);
      expect((await image("organizer", privateQuery)).status).toBe(200);
      const html = (await (await sessions.participant.fetch(`/c/comp-a/submissions/${submissionId}/analysis`)).text()).replace(/<!-- -->/g, "");
      expect(html).toContain(publicQuery);
      expect(html).not.toContain(privateQuery);
      expect(html).toContain("2</strong> public queries");
      const organizerHtml = await (await sessions.organizer.fetch(`/c/comp-a/submissions/${submissionId}/analysis`)).text();
      expect(organizerHtml).toContain(privateQuery);
    } finally {
      await database.prisma.competition.update({ where: { id: competitionId }, data: { publicFraction: 1 } });
    }
  });

  it("shows the split seed and organizers only to organizers", async () => {
    for (const actor of ACTORS) {
      const body = await (await api(actor, "GET", "/api/v1/competitions/comp-a")).json();
      if (actor === "organizer" || actor === "admin") expect(body.splitSeed, actor).toBe("secret-seed-a");
      else {
        expect(body, actor).not.toHaveProperty("splitSeed");
        expect(JSON.stringify(body), actor).not.toContain("secret-seed-a");
        expect(body, actor).not.toHaveProperty("organizers");
      }
    }
  });

  it("never serves the hidden truth or names through the blob route", async () => {
    const keys = datasetKeys(competitionId, versionId, "a.tar.gz");
    for (const key of [keys.truth, keys.names, `${keys.files}/gallery/g0.jpg`]) {
      expect((await fetch(`${server.url}/api/blobs/${key}`)).status).toBe(400);
      const { url } = await (await api("participant", "GET", "/api/v1/competitions/comp-a/bundle")).json();
      const forged = new URL(url, server.url);
      forged.pathname = `/api/blobs/${key}`;
      expect((await fetch(forged)).status).toBe(403);
    }
  });

  const everyPage: Record<ActorName, PageOutcome> = { anonymous: 200, participant: 200, otherParticipant: 200, otherOrganizer: 200, organizer: 200, admin: 200 };
  const signedInPage: Record<ActorName, PageOutcome> = { ...everyPage, anonymous: "sign-in" };
  const teamPage: Record<ActorName, PageOutcome> = { anonymous: "sign-in", participant: 200, otherParticipant: "not-in-team", otherOrganizer: "not-in-team", organizer: 200, admin: 200 };
  /** `door` is the page's URL pattern on disk. */
  const pages: Array<{ door: string; path: string | (() => string); expected: Record<ActorName, PageOutcome> }> = [
    { door: "/c/{slug}/submissions/{id}", path: () => `/c/comp-a/submissions/${submissionId}`, expected: teamPage },
    { door: "/c/{slug}/submissions/{id}/analysis", path: () => `/c/comp-a/submissions/${submissionId}/analysis`, expected: teamPage },
    { door: "/c/{slug}/manage", path: "/c/comp-a/manage", expected: { anonymous: "sign-in", participant: "not-organizer", otherParticipant: "not-organizer", otherOrganizer: "not-organizer", organizer: 200, admin: 200 } },
    { door: "/account", path: "/account", expected: signedInPage },
    { door: "/competitions/new", path: "/competitions/new", expected: signedInPage },
    { door: "/competitions", path: "/competitions", expected: signedInPage },
    { door: "/c/{slug}", path: "/c/comp-a", expected: everyPage },
    { door: "/c/{slug}/data", path: "/c/comp-a/data", expected: everyPage },
    { door: "/c/{slug}/leaderboard", path: "/c/comp-a/leaderboard", expected: everyPage },
    { door: "/c/{slug}/team", path: "/c/comp-a/team", expected: everyPage },
    // A team's entries: others are sent to join a team, organizers to every entry on their dashboard.
    {
      door: "/c/{slug}/entries",
      path: "/c/comp-a/entries",
      expected: { anonymous: "sign-in", participant: 200, otherParticipant: { redirect: /\/c\/comp-a\/team$/ }, otherOrganizer: { redirect: /\/c\/comp-a\/team$/ }, organizer: { redirect: /\/c\/comp-a\/manage#submissions$/ }, admin: { redirect: /\/c\/comp-a\/manage#submissions$/ } },
    },
    { door: "/", path: "/", expected: everyPage },
    { door: "/sign-in", path: "/sign-in", expected: everyPage },
    { door: "/sign-up", path: "/sign-up", expected: everyPage },
  ];

  it("has a row for every page on disk", () => {
    expect(pageDoors().sort()).toEqual(pages.map((page) => page.door).sort());
  });

  describe.each(pages)("page $door", ({ path, expected }) => {
    it.each(ACTORS)("as %s", async (actor) => {
      const response = await sessions[actor].fetch(typeof path === "string" ? path : path());
      // React separates text nodes with empty comments; remove them before matching text.
      const html = response.status === 200 ? (await response.text()).replace(/<!-- -->/g, "") : "";
      const outcome = expected[actor];
      if (outcome === "sign-in") {
        expect(response.status).toBeGreaterThanOrEqual(300);
        expect(response.headers.get("location")).toMatch(/\/sign-in\?next=/);
      } else if (outcome === "not-in-team") {
        expect(html).toContain("you are not in a team of comp-a");
        expect(html).not.toMatch(/private split/);
      } else if (typeof outcome === "object") {
        expect(response.status).toBeGreaterThanOrEqual(300);
        expect(response.headers.get("location")).toMatch(outcome.redirect);
      } else if (outcome === "not-organizer") {
        expect(html).toContain("Only the organizers of comp-a can open its dashboard.");
        expect(html).not.toContain("secret-seed-a");
      } else {
        expect(response.status).toBe(outcome);
      }
      // No page shows a participant the split seed or a hidden storage key.
      if (actor !== "organizer" && actor !== "admin") {
        expect(html).not.toContain("secret-seed-a");
        expect(html).not.toContain("/hidden/");
      }
    });
  });

  const allActors = (pattern: RegExp): Record<ActorName, RegExp> => ({ anonymous: pattern, participant: pattern, otherParticipant: pattern, otherOrganizer: pattern, organizer: pattern, admin: pattern });
  /** `fresh`: the action runs in a new session of that actor (signing out must not end the shared one). */
  const actions: Array<{ action: string; page: string; fields: () => Record<string, string>; expected: Record<ActorName, RegExp>; fresh?: boolean }> = [
    { action: "signInWithPasswordAction", page: "/sign-in", fields: () => ({ email: "participant@matrix.test", password: "not the password", next: "/" }), expected: allActors(/\/sign-in\?error=credentials/) },
    { action: "signInWithGitHubAction", page: "/sign-in", fields: () => ({ next: "/" }), expected: allActors(/\/sign-in\?error=|\/api\/auth\/(signin|error)/) },
    { action: "signUpAction", page: "/sign-up", fields: () => ({ email: `new-${counter++}@matrix.test`, password: "a long enough passphrase 42", next: "/" }), expected: allActors(/\/sign-in\?created=1|^\/(\?|$)|\/c$/) },
    { action: "signOutAction", page: "/", fields: () => ({}), expected: allActors(/^(http:\/\/127\.0\.0\.1:\d+)?\/(\?.*)?$/), fresh: true },
    {
      action: "joinTeamAction",
      page: "/c/comp-c/team",
      fields: () => ({ slug: "comp-c", code: "no-such-code" }),
      expected: { ...allActors(/error=no%20team%20of%20comp-c%20has%20the%20invite%20code/), anonymous: /\/sign-in/ },
    },
    {
      action: "leaveTeamAction",
      page: "/c/comp-c/team",
      fields: () => ({ slug: "comp-c" }),
      expected: { ...allActors(/error=you%20are%20not%20in%20a%20team%20of%20comp-c/), anonymous: /\/sign-in/ },
    },
    {
      action: "rotateInviteAction",
      page: "/c/comp-a/team",
      fields: () => ({ slug: "comp-a" }),
      expected: { ...allActors(/error=you%20are%20not%20in%20a%20team%20of%20comp-a/), anonymous: /\/sign-in/, participant: /rotated=1/ },
    },
    {
      action: "saveSettingsAction",
      page: "/c/comp-a/manage",
      fields: () => ({ slug: "comp-a", title: "A (renamed)" }),
      expected: { anonymous: /\/sign-in/, participant: /error=only%20organizers/, otherParticipant: /error=only%20organizers/, otherOrganizer: /error=only%20organizers/, organizer: /saved=/, admin: /saved=/ },
    },
    {
      action: "addOrganizerAction",
      page: "/c/comp-a/manage",
      fields: () => ({ slug: "comp-a", email: "admin@matrix.test" }),
      expected: { anonymous: /\/sign-in/, participant: /error=only%20organizers/, otherParticipant: /error=only%20organizers/, otherOrganizer: /error=only%20organizers/, organizer: /saved=/, admin: /saved=/ },
    },
    {
      action: "activateDatasetAction",
      page: "/c/comp-a/manage",
      fields: () => ({ slug: "comp-a", number: "1" }),
      expected: { anonymous: /\/sign-in/, participant: /error=only%20organizers/, otherParticipant: /error=only%20organizers/, otherOrganizer: /error=only%20organizers/, organizer: /saved=/, admin: /saved=/ },
    },
    {
      action: "createCompetitionAction",
      page: "/competitions/new",
      fields: () => ({ slug: `action-${counter++}`, title: "Via action" }),
      expected: { anonymous: /\/sign-in/, participant: /\/manage\?created=1/, otherParticipant: /\/manage\?created=1/, otherOrganizer: /\/manage\?created=1/, organizer: /\/manage\?created=1/, admin: /\/manage\?created=1/ },
    },
    {
      action: "createTeamAction",
      page: "/c/comp-c/team",
      fields: () => ({ slug: "comp-c", name: `team ${counter++}` }),
      expected: { anonymous: /\/sign-in/, participant: /joined=1/, otherParticipant: /joined=1/, otherOrganizer: /joined=1/, organizer: /joined=1/, admin: /error=organizers%20of%20comp-c%20cannot%20compete/ },
    },
    {
      action: "selectFinalAction",
      page: "/c/comp-a/entries",
      fields: () => ({ slug: "comp-a", id: submissionId, selected: "false" }),
      expected: { anonymous: /\/sign-in/, participant: /selection=1|error=the%20private%20leaderboard%20is%20revealed/, otherParticipant: /error=you%20are%20not%20in%20a%20team/, otherOrganizer: /error=you%20are%20not%20in%20a%20team/, organizer: /error=you%20are%20not%20in%20a%20team/, admin: /error=you%20are%20not%20in%20a%20team/ },
    },
    {
      action: "revealLeaderboardAction",
      page: "/c/comp-a/manage",
      // The dashboard's confirm box, ticked (without it the action asks for it and reveals nothing).
      fields: () => ({ slug: "comp-a", confirm: "yes" }),
      expected: { anonymous: /\/sign-in/, participant: /error=only%20organizers/, otherParticipant: /error=only%20organizers/, otherOrganizer: /error=only%20organizers/, organizer: /saved=|error=the%20private%20leaderboard%20of%20comp-a%20was%20revealed/, admin: /saved=|error=the%20private%20leaderboard%20of%20comp-a%20was%20revealed/ },
    },
    {
      action: "rerunSubmissionAction",
      page: "/c/comp-a/manage",
      fields: () => ({ slug: "comp-a", id: submissionId }),
      expected: { anonymous: /\/sign-in/, participant: /error=only%20organizers/, otherParticipant: /error=only%20organizers/, otherOrganizer: /error=only%20organizers/, organizer: /saved=/, admin: /saved=/ },
    },
    // Disqualify, then re-instate at once: the organizer acts, the admin then finds it already done.
    {
      action: "disqualifyTeamAction",
      page: "/c/comp-a/manage",
      fields: () => ({ slug: "comp-a", teamId, reason: "matrix" }),
      expected: { anonymous: /\/sign-in/, participant: /error=only%20organizers/, otherParticipant: /error=only%20organizers/, otherOrganizer: /error=only%20organizers/, organizer: /saved=/, admin: /error=team%20%22Team%20A%22%20is%20already%20disqualified/ },
    },
    {
      action: "reinstateTeamAction",
      page: "/c/comp-a/manage",
      fields: () => ({ slug: "comp-a", teamId }),
      expected: { anonymous: /\/sign-in/, participant: /error=only%20organizers/, otherParticipant: /error=only%20organizers/, otherOrganizer: /error=only%20organizers/, organizer: /saved=/, admin: /error=team%20%22Team%20A%22%20is%20not%20disqualified/ },
    },
    {
      // Acts only on the caller's own account: a wrong current password changes nothing, for anyone.
      action: "changePasswordAction",
      page: "/account",
      fields: () => ({ currentPassword: "not the password", newPassword: "an unguessable phrase 42", confirmPassword: "an unguessable phrase 42" }),
      expected: { anonymous: /\/sign-in/, participant: /error=the%20current%20password/, otherParticipant: /error=the%20current%20password/, otherOrganizer: /error=the%20current%20password/, organizer: /error=the%20current%20password/, admin: /error=the%20current%20password/ },
    },
    {
      action: "revokeTokenAction",
      page: "/account",
      fields: () => ({ id: "not-a-token-of-yours" }),
      expected: { anonymous: /\/sign-in/, participant: /error=no%20such%20active%20token/, otherParticipant: /error=/, otherOrganizer: /error=/, organizer: /error=/, admin: /error=/ },
    },
  ];

  it("has a row for every server action on disk", () => {
    expect(serverActionDoors()).toEqual(actions.map((row) => row.action).sort());
  });

  describe.each(actions)("server action $action", ({ action, page, fields, expected, fresh }) => {
    it.each(ACTORS)("as %s", async (actor) => {
      let session = sessions[actor];
      if (fresh) {
        session = new HttpSession(server.url);
        if (actor !== "anonymous") await session.signIn(`${actor.toLowerCase()}@matrix.test`, PASSWORD);
      }
      const response = await session.action(page, action, fields());
      expect(response.status, await response.clone().text()).toBe(303);
      expect(response.headers.get("location")).toMatch(expected[actor]);
    });
  });

  it("renders organizer Markdown without raw HTML or script links", async () => {
    const hostile = "# Rules\n\n<script>alert('owned')</script>\n\n<img src=x onerror=alert(1)>\n\n[click](javascript:alert(2)) and **bold**";
    expect((await api("organizer", "PATCH", "/api/v1/competitions/comp-a", { rules: hostile })).status).toBe(200);
    const html = await (await fetch(`${server.url}/c/comp-a`)).text();
    expect(html).toContain("<strong>bold</strong>");
    expect(html).not.toContain("<script>alert");
    expect(html).not.toMatch(/<img[^>]*onerror/);
    expect(html).not.toMatch(/href="javascript:/);
  });

  it("lets the owner revoke a token through the server action", async () => {
    const token = await createApiToken(database.prisma, { userId: actors.organizer!.userId, name: "to revoke" });
    const response = await sessions.organizer.action("/account", "revokeTokenAction", { id: token.id });
    expect(response.headers.get("location")).toMatch(/revoked=1/);
    expect((await fetch(new URL("/api/v1/me", server.url), { headers: { authorization: `Bearer ${token.token}` } })).status).toBe(401);
  });
});
