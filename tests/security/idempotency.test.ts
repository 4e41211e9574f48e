import { spawn } from "node:child_process";
import { createServer as createHttpServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../lib/auth/api-tokens";
import { type Database } from "../../lib/db/open-database";
import { claimIdempotencyKey, IN_FLIGHT_MS } from "../../lib/submissions/idempotent-submission";
import { submitResults } from "../../lib/submissions/submit-results";
import { createTeam } from "../../lib/teams/create-team";
import { createUser } from "../../lib/users/create-user";
import { createContest, resultsFor } from "../helpers/contest";
import type { RunningServer } from "../helpers/next-server";
import { startServerWorld, type ServerWorld } from "../helpers/server-world";

// Nothing lost, nothing counted twice: a client that lost the answer to a submission (a dropped connection, a server
// killed after recording the entry) retries with the same Idempotency-Key and gets the first entry back, without
// spending a second quota unit. On today's main the retry was a second entry.

describe("Idempotency-Key on submissions", () => {
  let server: RunningServer;
  let database: Database;
  let work: string;
  let world: ServerWorld;
  let token = "";
  let teamId = "";
  let competitionId = "";
  let userId = "";
  let file = (rank: number) => new TextEncoder().encode(String(rank));

  beforeAll(async () => {
    world = await startServerWorld("idempotency", { env: { PODIUM_WORKER: "off" } });
    ({ server, database, work } = world);
    const store = world.store;
    const contest = await createContest(database.prisma, store, { slug: "idem", queries: 6, settings: { dailyLimit: 2 } });
    competitionId = contest.competition.id;
    const user = await createUser(database.prisma, { email: "team@idem.test", password: "idempotent password 1" });
    userId = user.id;
    teamId = (await createTeam(database.prisma, { userId: user.id, isAdmin: false }, "idem", "Idem")).id;
    token = (await createApiToken(database.prisma, { userId: user.id, name: "cli" })).token;
    file = (rank: number) => new TextEncoder().encode(JSON.stringify(resultsFor(contest.queries, contest.gallery, [rank])));
  });
  afterAll(async () => {
    await world?.dispose();
  });

  const submit = (bytes: Uint8Array, key?: string) =>
    fetch(new URL("/api/v1/competitions/idem/submissions", server.url), {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...(key ? { "idempotency-key": key } : {}) },
      body: new Blob([bytes as Uint8Array<ArrayBuffer>]),
    });
  const counted = () => database.prisma.submission.count({ where: { teamId, countsTowardQuota: true } });

  it("returns the first entry to a retry with the same key, and counts it once", async () => {
    const first = await submit(file(1), "retry-key-0001");
    expect(first.status).toBe(201);
    const firstId = (await first.json()).submission.id;
    const retry = await submit(file(1), "retry-key-0001");
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect((await retry.json()).submission.id).toBe(firstId);
    expect(await counted()).toBe(1);
  });

  it("refuses the same key for a different file", async () => {
    const response = await submit(file(2), "retry-key-0001");
    expect(response.status).toBe(409);
    expect((await response.json()).error.message).toMatch(/already used for a different file/);
  });

  it("does not spend a second unit of a full quota on a retry", async () => {
    const second = await submit(file(3), "retry-key-0002");
    expect(second.status).toBe(201);
    expect(await counted()).toBe(2);
    const retry = await submit(file(3), "retry-key-0002");
    expect(retry.status).toBe(201);
    expect(await counted()).toBe(2);
    // A new entry is refused: the quota of 2 is spent, by two entries.
    expect((await submit(file(4), "retry-key-0003")).status).toBe(429);
  });

  it("finds the entry of an attempt that died after recording it, and takes over a key whose attempt recorded none", async () => {
    const bytes = file(5);
    const sha = createHash("sha256").update(bytes).digest("hex");
    const store = world.store;
    await database.prisma.competition.update({ where: { id: competitionId }, data: { dailyLimit: null } });
    // The attempt claimed the key and recorded its entry, then the server was killed before it linked the two.
    expect(await claimIdempotencyKey(database.prisma, { teamId, key: "died-after-record", requestSha256: sha })).toEqual({ kind: "new" });
    const recorded = await submitResults(database, store, { competitionId, teamId, userId, channel: "CLI", bytes, fileName: null });
    const retry = await submit(bytes, "died-after-record");
    expect(retry.status).toBe(201);
    expect((await retry.json()).submission.id).toBe(recorded.submissionId);
    // An attempt that claimed a key and died before recording anything: after the in-flight window, a retry records.
    const other = file(6);
    const otherSha = createHash("sha256").update(other).digest("hex");
    await claimIdempotencyKey(database.prisma, { teamId, key: "died-before-record", requestSha256: otherSha, now: new Date(Date.now() - IN_FLIGHT_MS - 1000) });
    const taken = await submit(other, "died-before-record");
    expect(taken.status).toBe(201);
    expect(await database.prisma.submission.count({ where: { teamId, sha256: otherSha } })).toBe(1);
  });

  it("has the CLI send a file again when its answer is lost, with one key, and the entry is recorded once", async () => {
    // A relay in front of the server passes every request on, but drops the connection instead of delivering the
    // answer to the first POST: the entry is recorded, and the CLI never hears of it.
    let postsSeen = 0;
    const relay = createHttpServer((request, response) => {
      const upstream = httpRequest(new URL(request.url!, server.url), { method: request.method, headers: request.headers }, (answer) => {
        if (request.method === "POST" && ++postsSeen === 1) {
          answer.resume();
          answer.on("end", () => request.socket.destroy());
          return;
        }
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      });
      request.pipe(upstream);
    });
    await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", () => resolve()));
    const relayUrl = `http://127.0.0.1:${(relay.address() as AddressInfo).port}`;
    try {
      const cliEnv = { PODIUM_CONFIG_DIR: join(work, "cli-config") };
      // The relay lives in this process: the CLI runs asynchronously (spawnSync would stop the relay from answering).
      const podium = (args: string[]) =>
        new Promise<{ code: number; stderr: string }>((resolve) => {
          const cli = spawn(process.execPath, [join(process.cwd(), "bin", "podium.mjs"), ...args], { env: { ...process.env, ...cliEnv }, stdio: ["ignore", "ignore", "pipe"] });
          let stderr = "";
          cli.stderr.on("data", (chunk) => (stderr += chunk));
          cli.on("exit", (code) => resolve({ code: code ?? -1, stderr }));
        });
      expect((await podium(["login", "--server", relayUrl, "--token", token])).code).toBe(0);
      const path = join(work, "retry.json");
      const bytes = file(7);
      writeFileSync(path, bytes);
      const { code, stderr } = await podium(["submit", "--competition", "idem", path]);
      expect(code, stderr).toBe(0);
      expect(stderr).toMatch(/retrying in \d+ s with the same Idempotency-Key/);
      expect(postsSeen).toBe(2);
      const sha = createHash("sha256").update(bytes).digest("hex");
      expect(await database.prisma.submission.count({ where: { teamId, sha256: sha } })).toBe(1);
    } finally {
      relay.closeAllConnections();
      await new Promise((resolve) => relay.close(resolve));
    }
  });
});
