import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { createServer, connect, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../lib/auth/api-tokens";
import { competitionCreateSchema } from "../../lib/competitions/competition-settings";
import { createCompetition } from "../../lib/competitions/manage-competitions";
import { createTeam } from "../../lib/teams/create-team";
import { createUser } from "../../lib/users/create-user";
import { freePort, type RunningServer } from "../helpers/next-server";
import { startServerWorld, type ServerWorld } from "../helpers/server-world";

// Every input bounded before it is parsed or buffered, and the cheapest refusal first (THREATS.md invariant 3);
// an unreachable database answered as a retryable 503, not a 500; nothing a killed server wrote half-way kept.

/** A TCP relay in front of PostgreSQL that the test can cut, as a restart or a failover would. */
async function cuttableRelay(target: URL): Promise<{ port: number; cut: () => void; restore: () => Promise<void>; close: () => Promise<void> }> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(Number(target.port || 5432), target.hostname);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on("close", () => sockets.delete(socket));
          socket.on("error", () => socket.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, "127.0.0.1", () => resolve());
    });
  await listen();
  const cut = () => {
    server?.close();
    server = null;
    for (const socket of sockets) socket.destroy();
  };
  return { port, cut, restore: listen, close: async () => cut() };
}

describe("bounded inputs", () => {
  let server: RunningServer;
  let world: ServerWorld;
  let relay: Awaited<ReturnType<typeof cuttableRelay>>;
  let token = "";
  let participantToken = "";
  let leftBehind = "";

  beforeAll(async () => {
    world = await startServerWorld("bounds", {
      async beforeStart({ database, work, databaseUrl }) {
        const user = await createUser(database.prisma, { email: "organizer@bounds.test", password: "bounds password 1" });
        token = (await createApiToken(database.prisma, { userId: user.id, name: "bounds" })).token;
        await createCompetition(database.prisma, { userId: user.id, isAdmin: false }, competitionCreateSchema.parse({ slug: "bounds", title: "Bounds" }));
        const participant = await createUser(database.prisma, { email: "participant@bounds.test", password: "bounds password 2" });
        await createTeam(database.prisma, { userId: participant.id, isAdmin: false }, "bounds", "Bounders");
        participantToken = (await createApiToken(database.prisma, { userId: participant.id, name: "bounds" })).token;
        // What a server killed mid-write leaves in the folder store: a half-written blob, an hour old.
        mkdirSync(join(work, "data", "blobs", "tmp"), { recursive: true });
        leftBehind = join(work, "data", "blobs", "tmp", randomUUID());
        writeFileSync(leftBehind, "half a results file");
        utimesSync(leftBehind, Date.now() / 1000 - 3600, Date.now() / 1000 - 3600);
        // The server reaches PostgreSQL through a relay the test can cut.
        relay = await cuttableRelay(new URL(databaseUrl));
        const relayed = new URL(databaseUrl);
        relayed.hostname = "127.0.0.1";
        relayed.port = String(relay.port);
        return { DATABASE_URL: relayed.toString() };
      },
    });
    server = world.server;
  });
  afterAll(async () => {
    await world?.dispose();
    await relay?.close();
  });

  const post = (path: string, body: string, headers: Record<string, string> = {}) => fetch(new URL(path, server.url), { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

  it("removes at start-up the temporary files a killed server left", () => {
    expect(existsSync(leftBehind)).toBe(false);
    expect(server.output()).toMatch(/removed 1 temporary file\(s\) left by an earlier process/);
  });

  it("refuses an anonymous write before reading its body", async () => {
    const big = JSON.stringify({ reason: "x".repeat(4 * 1024 * 1024) });
    const response = await post("/api/v1/competitions/bounds/admin/teams/any/disqualify", big);
    expect(response.status).toBe(401);
    // Today's main parsed this body first and answered 400 for a bad one: the order shows in the status.
    const malformed = await post("/api/v1/competitions/bounds/teams/join", "{not json");
    expect(malformed.status).toBe(401);
  });

  it("refuses a JSON body over 1 MiB with 413 naming the limit", async () => {
    const response = await post("/api/v1/competitions/bounds/organizers", JSON.stringify({ email: `${"a".repeat(2 * 1024 * 1024)}@x.org` }), { authorization: `Bearer ${token}` });
    expect(response.status).toBe(413);
    expect((await response.json()).error.message).toMatch(/at most 1(\.0)? MiB/);
  });

  it("refuses deeply nested JSON before parsing it", async () => {
    const response = await post("/api/v1/competitions/bounds/organizers", `${"[".repeat(50_000)}${"]".repeat(50_000)}`, { authorization: `Bearer ${token}` });
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toBe("the request body nests deeper than 32 levels");
  });

  it("refuses a streamed multipart results file over 64 MiB while it arrives, with no Content-Length to go by", async () => {
    const boundary = "bounds-boundary";
    let sent = 0;
    const total = 256 * 1024 * 1024;
    const chunk = new Uint8Array(256 * 1024).fill(0x20);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="ranks.json"\r\n\r\n`));
      },
      pull(controller) {
        if (sent >= total) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const response = await fetch(new URL("/api/v1/competitions/bounds/submissions", server.url), {
      method: "POST",
      headers: { authorization: `Bearer ${participantToken}`, "content-type": `multipart/form-data; boundary=${boundary}` },
      body,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    expect((await response.json()).error.message).toBe("the file is larger than the 64 MiB accepted here");
    // The server stopped reading near the limit: the client never had to produce the 256 MiB.
    expect(sent).toBeLessThan(160 * 1024 * 1024);
  });

  it("refuses a 1.2 GB zip sent as a results file from its Content-Length, before reading it", async () => {
    // The client declares the whole body and sends its first megabyte: the answer must come without the rest.
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(new URL("/api/v1/competitions/bounds/submissions", server.url), {
        method: "POST",
        headers: { authorization: `Bearer ${participantToken}`, "content-type": "application/zip", "content-length": String(1_200_000_000) },
      });
      request.on("response", (response) => {
        let body = "";
        response.on("data", (chunk) => (body += chunk));
        response.on("end", () => {
          resolve({ status: response.statusCode ?? 0, body });
          request.destroy();
        });
      });
      request.on("error", (error) => (error.message.includes("socket hang up") ? undefined : reject(error)));
      request.write(Buffer.concat([Buffer.from("PK\x03\x04"), Buffer.alloc(1024 * 1024)]));
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error.message).toBe("the body is 1144.4 MiB; at most 64 MiB is accepted here");
  });

  it("answers 503 with Retry-After while the database is unreachable, and recovers", async () => {
    relay.cut();
    try {
      const during = await fetch(new URL("/api/v1/competitions/bounds", server.url), { headers: { authorization: `Bearer ${token}` } });
      expect(during.status).toBe(503);
      expect(during.headers.get("retry-after")).toBe("5");
      expect((await during.json()).error.code).toBe("UNAVAILABLE");
      const legacy = await fetch(new URL("/c/bounds/retrieval/", server.url), { method: "POST", body: JSON.stringify({ groupname: "x", images: {} }) });
      expect(legacy.status).toBe(503);
      expect(legacy.headers.get("retry-after")).toBe("5");
    } finally {
      await relay.restore();
    }
    let after = 0;
    for (let attempt = 0; attempt < 20 && after !== 200; attempt++) {
      after = (await fetch(new URL("/api/v1/competitions/bounds", server.url), { headers: { authorization: `Bearer ${token}` } })).status;
      if (after !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(after).toBe(200);
  });
});
