// npm run bench:submit [-- --clients 20 --requests 400 --queries 1455 --storage s3|folder]
// Drives the legacy endpoint of a production server (npm run build first) on real PostgreSQL and S3 (Ceph RGW,
// started by scripts/test-services.sh when needed) with concurrent clients, each posting a 1,455-query results
// file exactly as the original client does, and prints p50/p99 latency and throughput.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: { clients: { type: "string", default: "20" }, requests: { type: "string", default: "400" }, queries: { type: "string", default: "1455" }, storage: { type: "string", default: "s3" } },
});
// --storage folder: the same run with the embedded folder store, to see what the S3 write costs.
const folderStorage = values.storage === "folder";
const clients = Number(values.clients);
const total = Number(values.requests);
const queryCount = Number(values.queries);

// Starts PostgreSQL and Ceph RGW when they are not running (and stops at the end only what it started).
execFileSync("bash", ["scripts/test-services.sh", "up"], { stdio: "inherit" });
for (const line of readFileSync(".ci-services/env", "utf8").split("\n")) {
  const at = line.indexOf("=");
  if (at > 0) process.env[line.slice(0, at)] ??= line.slice(at + 1);
}

const { createPostgresDatabase, createS3Store, s3Settings } = await import("../tests/helpers/services");
const { startNextServer } = await import("../tests/helpers/next-server");
const { createContest, resultsFor } = await import("../tests/helpers/contest");
const { openDatabase } = await import("../lib/db/open-database");

const work = mkdtempSync(join(tmpdir(), "podium-bench-submit-"));
const database = await createPostgresDatabase();
const s3 = await createS3Store();
const settings = s3Settings();
const db = await openDatabase({ database: { kind: "postgres", url: database.url, dataDir: "" }, migrate: true });
const env: Record<string, string> = folderStorage
  ? { DATABASE_URL: database.url, S3_BUCKET: "", PODIUM_DATA_DIR: join(work, "data"), PODIUM_SECRET: "bench-secret" }
  : { DATABASE_URL: database.url, S3_BUCKET: s3.bucket, S3_ENDPOINT: settings.endpoint, S3_ACCESS_KEY: settings.accessKeyId, S3_SECRET_KEY: settings.secretAccessKey, PODIUM_DATA_DIR: join(work, "data") };
const server = await startNextServer(env);
const { FolderBlobStore } = await import("../lib/storage/folder-blob-store");
const store = folderStorage ? new FolderBlobStore({ root: join(work, "data", "blobs"), baseUrl: server.url, secret: "bench-secret" }) : s3.store;
try {
  console.log(`setting up a ${queryCount}-query contest on PostgreSQL + ${folderStorage ? "folder storage" : "S3"} …`);
  const contest = await createContest(db.prisma, store, { slug: "bench", queries: queryCount, settings: { legacyEndpoint: "open" } });
  const body = JSON.stringify({ groupname: "team-0", images: resultsFor(contest.queries, contest.gallery, [1, 3, 8, 0]) });
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const post = (team: number) =>
    new Promise<{ status: number; ms: number }>((resolve, reject) => {
      const payload = body.replace('"team-0"', `"team-${team}"`);
      const started = process.hrtime.bigint();
      const request = httpRequest(`${server.url}/c/bench/retrieval/`, { method: "POST", agent, headers: { "content-length": Buffer.byteLength(payload) } }, (response) => {
        response.resume();
        response.on("end", () => resolve({ status: response.statusCode ?? 0, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
      });
      request.on("error", reject);
      request.end(payload);
    });
  // Warm-up: the first request builds the dataset's scoring index; teams are created on first use.
  for (let team = 0; team < clients; team++) await post(team);
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (next < total) {
        next++;
        const reply = await post(client);
        if (reply.status !== 200) failures++;
        latencies.push(reply.ms);
      }
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  console.log(`bench:submit — ${latencies.length} legacy POSTs of a ${queryCount}-query file (${(Buffer.byteLength(body) / 1024).toFixed(0)} KiB), ${clients} concurrent clients, PostgreSQL + ${folderStorage ? "folder storage" : "S3 (Ceph RGW)"}`);
  console.log(`  p50 ${at(0.5).toFixed(1)} ms, p90 ${at(0.9).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms, max ${latencies[latencies.length - 1]!.toFixed(1)} ms`);
  console.log(`  throughput ${(latencies.length / seconds).toFixed(1)} submissions/s; non-200 answers: ${failures}`);
  agent.destroy();
} finally {
  await server.stop();
  await db.close();
  await s3.dispose();
  await database.drop();
  rmSync(work, { recursive: true, force: true });
  execFileSync("bash", ["scripts/test-services.sh", "down"], { stdio: "inherit" });
}
