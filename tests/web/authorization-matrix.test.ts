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

// Every route and server action added for organizers, called as each kind of actor, with the allowed or denied
// outcome asserted — and the hidden labels, gallery and split seed checked never to reach a participant.

const ACTORS = ["anonymous", "participant", "otherParticipant", "otherOrganizer", "organizer", "admin"] as const;
type ActorName = (typeof ACTORS)[number];
const PASSWORD = "matrix password 1";

/** allowed: the request goes through (2xx/3xx, or a domain answer that is not 401/403); otherwise the status expected. */
type Outcome = "allowed" | 401 | 403 | 404 | "sign-in" | "not-organizer" | "not-in-team";

const organizersOnly: Record<ActorName, Outcome> = { anonymous: 401, participant: 403, otherParticipant: 403, otherOrganizer: 403, organizer: "allowed", admin: "allowed" };
const signedIn: Record<ActorName, Outcome> = { anonymous: 401, participant: "allowed", otherParticipant: "allowed", otherOrganizer: "allowed", organizer: "allowed", admin: "allowed" };
const everyone: Record<ActorName, Outcome> = { anonymous: "allowed", participant: "allowed", otherParticipant: "allowed", otherOrganizer: "allowed", organizer: "allowed", admin: "allowed" };
const participantsOfA: Record<ActorName, Outcome> = { anonymous: 401, participant: "allowed", otherParticipant: 403, otherOrganizer: 403, organizer: "allowed", admin: "allowed" };
const teamOfA: Record<ActorName, Outcome> = { anonymous: 401, participant: "allowed", otherParticipant: 403, otherOrganizer: 403, organizer: 403, admin: 403 };
const teamOrOrganizersOfA: Record<ActorName, Outcome> = { anonymous: 401, participant: "allowed", otherParticipant: 403, otherOrganizer: 403, organizer: "allowed", admin: "allowed" };
const privateBeforeReveal: Record<ActorName, Outcome> = { anonymous: 403, participant: 403, otherParticipant: 403, otherOrganizer: 403, organizer: "allowed", admin: "allowed" };

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
    const a = await createCompetition(database.prisma, actors.organizer, competitionCreateSchema.parse({ slug: "comp-a", title: "A", splitSeed: "secret-seed-a" }));
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

  function check(outcome: Outcome, response: Response, label: string) {
    if (outcome === "allowed") expect([401, 403], label).not.toContain(response.status);
    else if (typeof outcome === "number") expect(response.status, label).toBe(outcome);
  }

  const routes: Array<{ route: string; expected: Record<ActorName, Outcome>; call: (actor: ActorName) => Promise<Response> }> = [
    { route: "GET /api/v1/me", expected: signedIn, call: (actor) => api(actor, "GET", "/api/v1/me") },
    { route: "GET /api/v1/tokens", expected: signedIn, call: (actor) => api(actor, "GET", "/api/v1/tokens") },
    { route: "POST /api/v1/tokens", expected: signedIn, call: (actor) => api(actor, "POST", "/api/v1/tokens", { name: "extra" }) },
    { route: "GET /api/v1/competitions", expected: everyone, call: (actor) => api(actor, "GET", "/api/v1/competitions") },
    { route: "POST /api/v1/competitions", expected: signedIn, call: (actor) => api(actor, "POST", "/api/v1/competitions", { slug: `new-${actor.toLowerCase()}-${counter++}`, title: "New" }) },
    { route: "GET /api/v1/competitions/{slug}", expected: everyone, call: (actor) => api(actor, "GET", "/api/v1/competitions/comp-a") },
    { route: "PATCH /api/v1/competitions/{slug}", expected: organizersOnly, call: (actor) => api(actor, "PATCH", "/api/v1/competitions/comp-a", { description: `edited by ${actor}` }) },
    { route: "POST /api/v1/competitions/{slug}/organizers", expected: organizersOnly, call: (actor) => api(actor, "POST", "/api/v1/competitions/comp-a/organizers", { email: "admin@matrix.test" }) },
    { route: "GET /api/v1/competitions/{slug}/datasets", expected: organizersOnly, call: (actor) => api(actor, "GET", "/api/v1/competitions/comp-a/datasets") },
    { route: "POST /api/v1/competitions/{slug}/datasets", expected: organizersOnly, call: (actor) => api(actor, "POST", "/api/v1/competitions/comp-a/datasets", { fileName: "x.zip", size: 100 }) },
    { route: "GET /api/v1/competitions/{slug}/datasets/{id}", expected: organizersOnly, call: (actor) => api(actor, "GET", `/api/v1/competitions/comp-a/datasets/${versionId}`) },
    { route: "POST …/datasets/{id}/parts", expected: organizersOnly, call: (actor) => api(actor, "POST", `/api/v1/competitions/comp-a/datasets/${versionId}/parts`, { uploadId: "x", partNumbers: [1] }) },
    { route: "POST …/datasets/{id}/complete", expected: organizersOnly, call: (actor) => api(actor, "POST", `/api/v1/competitions/comp-a/datasets/${versionId}/complete`, { uploadId: "x", parts: [{ partNumber: 1, etag: "x" }] }) },
    { route: "POST …/datasets/{number}/activate", expected: organizersOnly, call: (actor) => api(actor, "POST", "/api/v1/competitions/comp-a/datasets/1/activate") },
    { route: "GET /api/v1/competitions/{slug}/bundle", expected: participantsOfA, call: (actor) => api(actor, "GET", "/api/v1/competitions/comp-a/bundle") },
    { route: "POST /api/v1/competitions/{slug}/teams", expected: { anonymous: 401, participant: "allowed", otherParticipant: "allowed", otherOrganizer: 403, organizer: "allowed", admin: "allowed" }, call: (actor) => api(actor, "POST", "/api/v1/competitions/comp-b/teams", { name: `team of ${actor}` }) },
    { route: "POST /api/v1/competitions/{slug}/submissions", expected: teamOfA, call: (actor) => api(actor, "POST", "/api/v1/competitions/comp-a/submissions", { "q0.jpg": [] }) },
    { route: "GET /api/v1/competitions/{slug}/submissions", expected: teamOfA, call: (actor) => api(actor, "GET", "/api/v1/competitions/comp-a/submissions") },
    { route: "POST /api/v1/competitions/{slug}/models", expected: teamOfA, call: (actor) => api(actor, "POST", "/api/v1/competitions/comp-a/models", { fileName: "m.onnx", size: 100 }) },
    { route: "POST …/models/{id}/parts", expected: teamOfA, call: (actor) => api(actor, "POST", `/api/v1/competitions/comp-a/models/${submissionId}/parts`, { uploadId: "x", partNumbers: [1] }) },
    { route: "POST …/models/{id}/complete", expected: teamOfA, call: (actor) => api(actor, "POST", `/api/v1/competitions/comp-a/models/${submissionId}/complete`, { uploadId: "x", parts: [{ partNumber: 1, etag: "x" }] }) },
    { route: "GET …/submissions/{id}/results", expected: teamOrOrganizersOfA, call: (actor) => api(actor, "GET", `/api/v1/competitions/comp-a/submissions/${submissionId}/results`) },
    { route: "GET /api/v1/competitions/{slug}/submissions/{id}", expected: teamOrOrganizersOfA, call: (actor) => api(actor, "GET", `/api/v1/competitions/comp-a/submissions/${submissionId}`) },
    { route: "PATCH /api/v1/competitions/{slug}/submissions/{id}", expected: teamOfA, call: (actor) => api(actor, "PATCH", `/api/v1/competitions/comp-a/submissions/${submissionId}`, { selectedForFinal: true }) },
    { route: "GET /api/v1/competitions/{slug}/leaderboard (public)", expected: everyone, call: (actor) => api(actor, "GET", "/api/v1/competitions/comp-a/leaderboard") },
    { route: "GET /api/v1/competitions/{slug}/leaderboard?format=csv", expected: everyone, call: (actor) => api(actor, "GET", "/api/v1/competitions/comp-a/leaderboard?format=csv") },
    { route: "GET /api/v1/competitions/{slug}/leaderboard?board=private (before reveal)", expected: privateBeforeReveal, call: (actor) => api(actor, "GET", "/api/v1/competitions/comp-a/leaderboard?board=private") },
    { route: "GET /api/v1/competitions/{slug}/admin/jobs", expected: organizersOnly, call: (actor) => api(actor, "GET", "/api/v1/competitions/comp-a/admin/jobs") },
    { route: "GET /api/v1/competitions/{slug}/admin/submissions", expected: organizersOnly, call: (actor) => api(actor, "GET", "/api/v1/competitions/comp-a/admin/submissions?status=scored&q=team") },
    { route: "GET /api/v1/competitions/{slug}/admin/teams", expected: organizersOnly, call: (actor) => api(actor, "GET", "/api/v1/competitions/comp-a/admin/teams") },
    { route: "POST …/admin/submissions/{id}/rerun", expected: organizersOnly, call: (actor) => api(actor, "POST", `/api/v1/competitions/comp-a/admin/submissions/${submissionId}/rerun`) },
    // Disqualify, then re-instate at once: later rows need Team A able to submit.
    { route: "POST …/admin/teams/{id}/disqualify", expected: organizersOnly, call: (actor) => api(actor, "POST", `/api/v1/competitions/comp-a/admin/teams/${teamId}/disqualify`, { reason: `matrix run by ${actor}` }) },
    { route: "POST …/admin/teams/{id}/reinstate", expected: organizersOnly, call: (actor) => api(actor, "POST", `/api/v1/competitions/comp-a/admin/teams/${teamId}/reinstate`) },
    { route: "GET /c/{slug}/submissions/{id}/analysis/image", expected: teamOrOrganizersOfA, call: (actor) => api(actor, "GET", `/c/comp-a/submissions/${submissionId}/analysis/image?set=query&name=q0.jpg`) },
    { route: "POST /c/{slug}/retrieval/ (legacy endpoint off)", expected: { anonymous: 404, participant: 404, otherParticipant: 404, otherOrganizer: 404, organizer: 404, admin: 404 }, call: (actor) => api(actor, "POST", "/c/comp-a/retrieval/", { groupname: "Team A", images: {} }) },
    // Last: a reveal is final.
    { route: "POST /api/v1/competitions/{slug}/reveal", expected: organizersOnly, call: (actor) => api(actor, "POST", "/api/v1/competitions/comp-a/reveal") },
  ];

  it("shows a team only public numbers of its own entries before the reveal", async () => {
    const body = await (await api("participant", "GET", `/api/v1/competitions/comp-a/submissions/${submissionId}`)).json();
    expect(Object.keys(body.submission.scores)).toEqual(["public"]);
    const organizerView = await (await api("organizer", "GET", `/api/v1/competitions/comp-a/submissions/${submissionId}`)).json();
    expect(Object.keys(organizerView.submission.scores).sort()).toEqual(["all", "private", "public"]);
  });

  describe.each(routes)("$route", ({ expected, call }) => {
    it.each(ACTORS)("as %s", async (actor) => {
      const response = await call(actor);
      check(expected[actor], response, `${actor}: ${response.status} ${await response.clone().text()}`);
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
      const forged = new URL(url);
      forged.pathname = `/api/blobs/${key}`;
      expect((await fetch(forged)).status).toBe(403);
    }
  });

  const pages: Array<{ path: string | (() => string); expected: Record<ActorName, Outcome> }> = [
    {
      path: () => `/c/comp-a/submissions/${submissionId}`,
      expected: { anonymous: "sign-in", participant: "allowed", otherParticipant: "not-in-team", otherOrganizer: "not-in-team", organizer: "allowed", admin: "allowed" },
    },
    {
      path: () => `/c/comp-a/submissions/${submissionId}/analysis`,
      expected: { anonymous: "sign-in", participant: "allowed", otherParticipant: "not-in-team", otherOrganizer: "not-in-team", organizer: "allowed", admin: "allowed" },
    },
    { path: "/c/comp-a/manage", expected: { anonymous: "sign-in", participant: "not-organizer", otherParticipant: "not-organizer", otherOrganizer: "not-organizer", organizer: "allowed", admin: "allowed" } },
    { path: "/account", expected: { ...signedIn, anonymous: "sign-in" } },
    { path: "/competitions/new", expected: { ...signedIn, anonymous: "sign-in" } },
    { path: "/c/comp-a", expected: everyone },
    { path: "/", expected: everyone },
  ];

  describe.each(pages)("page $path", ({ path, expected }) => {
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
      } else if (outcome === "not-organizer") {
        expect(html).toContain("Only the organizers of comp-a can open its dashboard.");
        expect(html).not.toContain("secret-seed-a");
      } else {
        expect(response.status).toBe(200);
      }
      // No page shows a participant the split seed or a hidden storage key.
      if (actor !== "organizer" && actor !== "admin") {
        expect(html).not.toContain("secret-seed-a");
        expect(html).not.toContain("/hidden/");
      }
    });
  });

  const actions: Array<{ action: string; page: string; fields: () => Record<string, string>; expected: Record<ActorName, RegExp> }> = [
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
      page: "/c/comp-c",
      fields: () => ({ slug: "comp-c", name: `team ${counter++}` }),
      expected: { anonymous: /\/sign-in/, participant: /joined=1/, otherParticipant: /joined=1/, otherOrganizer: /joined=1/, organizer: /joined=1/, admin: /error=organizers%20of%20comp-c%20cannot%20compete/ },
    },
    {
      action: "selectFinalAction",
      page: "/c/comp-a",
      fields: () => ({ slug: "comp-a", id: submissionId, selected: "false" }),
      expected: { anonymous: /\/sign-in/, participant: /selection=1|error=the%20private%20leaderboard%20is%20revealed/, otherParticipant: /error=you%20are%20not%20in%20a%20team/, otherOrganizer: /error=you%20are%20not%20in%20a%20team/, organizer: /error=you%20are%20not%20in%20a%20team/, admin: /error=you%20are%20not%20in%20a%20team/ },
    },
    {
      action: "revealLeaderboardAction",
      page: "/c/comp-a/manage",
      fields: () => ({ slug: "comp-a" }),
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
      action: "revokeTokenAction",
      page: "/account",
      fields: () => ({ id: "not-a-token-of-yours" }),
      expected: { anonymous: /\/sign-in/, participant: /error=no%20such%20active%20token/, otherParticipant: /error=/, otherOrganizer: /error=/, organizer: /error=/, admin: /error=/ },
    },
  ];

  describe.each(actions)("server action $action", ({ action, page, fields, expected }) => {
    it.each(ACTORS)("as %s", async (actor) => {
      const response = await sessions[actor].action(page, action, fields());
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
