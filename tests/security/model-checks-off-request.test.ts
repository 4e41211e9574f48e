import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../lib/auth/api-tokens";
import { type Database } from "../../lib/db/open-database";
import { runOneJob } from "../../lib/queue/run-jobs";
import { createTeam } from "../../lib/teams/create-team";
import { createUser } from "../../lib/users/create-user";
import { jobHandlers } from "../../lib/worker/job-handlers";
import { createContest } from "../helpers/contest";
import { HttpSession } from "../helpers/http-session";
import type { RunningServer } from "../helpers/next-server";
import { meanColourEncoder, meanColourManifest } from "../helpers/onnx-encoders";
import { startServerWorld, type ServerWorld } from "../helpers/server-world";
import { workerSettings } from "../helpers/test-world";

// Heavy work in the web process (THREATS.md, "a participant's model is an attacker"): on the main this issue started
// from, completing a model upload ran its static checks and a dry run inside the web request — the whole model read
// into the web process's memory, a sandbox per request. Now the request only queues a CHECK_MODEL job; a worker
// (here: one run by the test, the server's own loop is off) checks it and queues it for scoring or refuses it.

describe("model checks off the web request", () => {
  let server: RunningServer;
  let database: Database;
  let world: ServerWorld;
  let token = "";
  let teamId = "";
  const disposers: (() => Promise<void> | void)[] = [];

  beforeAll(async () => {
    world = await startServerWorld("checks", { env: { PODIUM_WORKER: "off" } });
    ({ server, database } = world);
    await createContest(database.prisma, world.store, { slug: "checks", queries: 4, settings: { submissionKinds: "results,model" } });
    const user = await createUser(database.prisma, { email: "team@checks.test", password: "checks password 1" });
    teamId = (await createTeam(database.prisma, { userId: user.id, isAdmin: false }, "checks", "Checkers")).id;
    token = (await createApiToken(database.prisma, { userId: user.id, name: "cli" })).token;
  });
  afterAll(async () => {
    for (const dispose of disposers.reverse()) await dispose();
    await world?.dispose();
  });

  type Answer = { submission: { status: string; error: string | null }; submissionId: string; uploadId: string; parts: { url: string }[] };
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(new URL(path, server.url), { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Answer };
  };

  /** The browser's and the CLI's upload: start, PUT the one part to its presigned URL, complete. */
  async function uploadModel(bytes: Uint8Array, manifest: unknown) {
    const base = "/api/v1/competitions/checks/models";
    const started = await api("POST", base, { fileName: "encoder.onnx", size: bytes.length, manifest });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const { submissionId, uploadId } = started.body;
    const { parts } = (await api("POST", `${base}/${submissionId}/parts`, { uploadId, partNumbers: [1] })).body;
    const put = await fetch(new URL(parts[0]!.url, server.url), { method: "PUT", body: new Blob([bytes as Uint8Array<ArrayBuffer>]) });
    expect(put.status).toBe(200);
    const completed = await api("POST", `${base}/${submissionId}/complete`, { uploadId, parts: [{ partNumber: 1, etag: put.headers.get("etag") }] });
    return { submissionId, completed };
  }

  const runWorkerOnce = () => runOneJob({ sql: database.sql, handlers: jobHandlers(database, world.store, workerSettings(disposers), ["CHECK_MODEL"]), workerId: "test-worker" });

  it("answers the upload's completion at once with a queued check; a worker's check queues the model for scoring", async () => {
    const { submissionId, completed } = await uploadModel(meanColourEncoder(), meanColourManifest);
    expect(completed.status).toBe(202);
    expect(completed.body.submission.status).toBe("checking");
    // Nothing of the model ran in the web process: no dry run yet, no quota used, one check job waiting.
    const waiting = await database.prisma.submission.findUniqueOrThrow({ where: { id: submissionId } });
    expect(waiting).toMatchObject({ status: "CHECKING", dryRunMsPerImage: null, countsTowardQuota: false });
    expect(await database.prisma.job.findMany({ where: { submissionId }, select: { kind: true, state: true } })).toEqual([{ kind: "CHECK_MODEL", state: "QUEUED" }]);

    expect(await runWorkerOnce()).toBe(true);
    const checked = await database.prisma.submission.findUniqueOrThrow({ where: { id: submissionId } });
    expect(checked.status).toBe("QUEUED");
    expect(checked.countsTowardQuota).toBe(true);
    expect(checked.dryRunMsPerImage).toBeGreaterThan(0);
    expect((await database.prisma.job.findMany({ where: { submissionId }, orderBy: { createdAt: "asc" }, select: { kind: true, state: true } }))).toEqual([
      { kind: "CHECK_MODEL", state: "SUCCEEDED" },
      { kind: "SCORE_MODEL", state: "QUEUED" },
    ]);
    const seen = await api("GET", `/api/v1/competitions/checks/submissions/${submissionId}`);
    expect(seen.body.submission.status).toBe("queued");
  });

  it("refuses a model that fails its checks in the worker, with the reason, using no quota", async () => {
    const before = await database.prisma.submission.count({ where: { teamId, countsTowardQuota: true } });
    const { submissionId, completed } = await uploadModel(meanColourEncoder(), { ...meanColourManifest, input: "pixels" });
    expect(completed.body.submission.status).toBe("checking");
    expect(await runWorkerOnce()).toBe(true);
    const seen = await api("GET", `/api/v1/competitions/checks/submissions/${submissionId}`);
    expect(seen.body.submission.status).toBe("invalid");
    expect(seen.body.submission.error).toBe('the manifest\'s input "pixels" is not an input of the model (its inputs: "image")');
    expect(await database.prisma.submission.count({ where: { teamId, countsTowardQuota: true } })).toBe(before);
    // The entry's page names the whole reason, with no empty table of examples ("… and 1 more" under empty headers).
    const browser = new HttpSession(server.url);
    await browser.signIn("team@checks.test", "checks password 1");
    const page = await (await browser.fetch(`/c/checks/submissions/${submissionId}`)).text();
    expect(page).toContain("is not an input of the model (its inputs: &quot;image&quot;)");
    expect(page).not.toContain("and 1 more");
    // An entry id that does not exist is a 404 page, not a 200 carrying an error.
    expect((await browser.fetch("/c/checks/submissions/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    // Completing it again is refused: the upload is over.
    const again = await api("POST", `/api/v1/competitions/checks/models/${submissionId}/complete`, { uploadId: "x", parts: [{ partNumber: 1, etag: "x" }] });
    expect(again.status).toBe(409);
  });
});
