// npm run bench:submit [-- --clients 20 --requests 400 --queries 1455 --storage s3|folder]
// Drives the legacy endpoint of a production server (npm run build first) on real PostgreSQL and S3 (Ceph RGW,
// started by scripts/test-services.sh when needed) with concurrent clients, each posting a 1,455-query results
// file exactly as the original client does, and prints p50/p99 latency and throughput.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

/**
 * CPU ms of every process on the machine, by group (from /proc; a process that ends between two snapshots is left
 * out): where the CPU of one submission goes, since the server, PostgreSQL, Ceph and the load generator share the cores.
 */
function processCpu(serverPid: number | undefined): Map<number, { group: string; ms: number }> {
  const times = new Map<number, { group: string; ms: number }>();
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ms = (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime in USER_HZ (100) ticks
      const group =
        pid === process.pid
          ? "load generator (this process)"
          : pid === serverPid || name.startsWith("next-server")
            ? "Podium server (next start)"
            : name.startsWith("postgres")
              ? "PostgreSQL"
              : /^(radosgw|ceph-)/.test(name)
                ? "Ceph (radosgw, OSD, monitor)"
                : "everything else";
      times.set(pid, { group, ms });
    } catch {
      // the process ended while being read
    }
  }
  return times;
}
function cpuByGroup(before: ReturnType<typeof processCpu>, after: ReturnType<typeof processCpu>): Map<string, number> {
  const groups = new Map<string, number>();
  for (const [pid, { group, ms }] of after) groups.set(group, (groups.get(group) ?? 0) + ms - (before.get(pid)?.ms ?? 0));
  return groups;
}

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
// Each simulated client posts from its own address (behind one trusted proxy), as a class of teams would: the limit
// on new legacy teams per address (lib/rate-limits) would otherwise stop the warm-up at the sixth team.
const env: Record<string, string> = folderStorage
  ? { DATABASE_URL: database.url, S3_BUCKET: "", PODIUM_DATA_DIR: join(work, "data"), PODIUM_SECRET: "bench-secret" }
  : { DATABASE_URL: database.url, S3_BUCKET: s3.bucket, S3_ENDPOINT: settings.endpoint, S3_ACCESS_KEY: settings.accessKeyId, S3_SECRET_KEY: settings.secretAccessKey, PODIUM_DATA_DIR: join(work, "data") };
const server = await startNextServer({ ...env, PODIUM_TRUSTED_PROXY_HOPS: "1" });
const { FolderBlobStore } = await import("../lib/storage/folder-blob-store");
const store = folderStorage ? new FolderBlobStore({ root: join(work, "data", "blobs"), baseUrl: server.url, secret: "bench-secret" }) : s3.store;
try {
  console.log(`setting up a ${queryCount}-query contest on PostgreSQL + ${folderStorage ? "folder storage" : "S3"} …`);
  const contest = await createContest(db.prisma, store, { slug: "bench", queries: queryCount, settings: { legacyEndpoint: "open" } });
  const body = JSON.stringify({ groupname: "team-0", images: resultsFor(contest.queries, contest.gallery, [1, 3, 8, 0]) });
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const post = (team: number) =>
    new Promise<{ status: number }>((resolve, reject) => {
      const payload = body.replace('"team-0"', `"team-${team}"`);
      const request = httpRequest(`${server.url}/c/bench/retrieval/`, { method: "POST", agent, headers: { "content-length": Buffer.byteLength(payload), "x-forwarded-for": `198.18.${team >> 8}.${team & 255}` } }, (response) => {
        response.resume();
        response.on("end", () => resolve({ status: response.statusCode ?? 0 }));
      });
      request.on("error", reject);
      request.end(payload);
    });
  // Warm-up: the first request builds the dataset's scoring index; teams are created on first use.
  for (let team = 0; team < clients; team++) await post(team);

  /** `total` operations from `clients` concurrent loops (closed loop: each sends its next when its last answered). */
  async function closedLoop(label: string, operation: (client: number, n: number) => Promise<boolean>): Promise<{ p50: number; rate: number }> {
    const latencies: number[] = [];
    let failures = 0;
    let next = 0;
    const cpuBefore = processCpu(server.pid);
    const started = Date.now();
    await Promise.all(
      Array.from({ length: clients }, async (_, client) => {
        while (next < total) {
          const n = next++;
          const sent = process.hrtime.bigint();
          if (!(await operation(client, n))) failures++;
          latencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    const cpu = cpuByGroup(cpuBefore, processCpu(server.pid));
    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
    const rate = latencies.length / seconds;
    const cpuTotal = [...cpu.values()].reduce((sum, ms) => sum + ms, 0);
    console.log(label);
    console.log(`  p50 ${at(0.5).toFixed(1)} ms, p90 ${at(0.9).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms, max ${latencies[latencies.length - 1]!.toFixed(1)} ms`);
    console.log(`  throughput ${rate.toFixed(1)}/s; failed: ${failures}`);
    console.log(`  CPU per operation (all processes, /proc): ${(cpuTotal / latencies.length).toFixed(1)} ms = ${(cpuTotal / 1000 / seconds).toFixed(2)} cores busy of ${availableParallelism()}`);
    for (const [group, ms] of [...cpu].sort((a, b) => b[1] - a[1])) console.log(`    ${group.padEnd(32)} ${(ms / latencies.length).toFixed(1).padStart(6)} ms`);
    return { p50: at(0.5), rate };
  }

  const storageName = folderStorage ? "folder storage" : "S3 (Ceph RGW)";
  // Baseline: only the storage write every submission makes (the same bytes, a fresh key each), from this process
  // with the same client the server uses — the floor under the endpoint's latency on this machine.
  const bytes = new TextEncoder().encode(body);
  const floor = await closedLoop(`baseline — ${total} bare ${storageName} writes of the same ${(bytes.length / 1024).toFixed(0)} KiB file, ${clients} concurrent clients, nothing else`, async (client, n) => {
    await store.put(`bench-floor/${client}/${n}.json`, bytes, { contentType: "application/json" });
    return true;
  });
  const legacy = await closedLoop(
    `\nbench:submit — ${total} legacy POSTs of a ${queryCount}-query file (${(Buffer.byteLength(body) / 1024).toFixed(0)} KiB), ${clients} concurrent clients, PostgreSQL + ${storageName}`,
    async (client) => (await post(client)).status === 200,
  );
  console.log(`\nlegacy endpoint against the bare writes: p50 ${(legacy.p50 / floor.p50).toFixed(2)} ×, throughput ${(legacy.rate / floor.rate).toFixed(2)} ×  (goal: p50 under 100 ms, p99 under 500 ms)`);
  agent.destroy();
} finally {
  await server.stop();
  await db.close();
  await s3.dispose();
  await database.drop();
  rmSync(work, { recursive: true, force: true });
  execFileSync("bash", ["scripts/test-services.sh", "down"], { stdio: "inherit" });
}
