// npm run bench:abuse [-- --seconds 90 --teams 6 --queries 300]
// A bounded soak of a production server (npm run build first) on a private PostgreSQL cluster and folder storage:
// legitimate traffic (API submissions with Idempotency-Key and retries, legacy posts, page views) while abusive
// traffic runs beside it (wrong-password sign-ins, oversized and deeply nested bodies, a pixel-bomb dataset archive),
// and two faults in the middle: `kill -9` of the server (restarted on the same port) and a PostgreSQL restart.
// It prints latency percentiles of the legitimate requests, the server's peak memory, and a reconciliation of every
// acknowledged entry against the database (lost, doubled). Exits 1 when an entry was lost or doubled.
// Traffic goes only to 127.0.0.1, and every loop stops at the deadline.
import { execFileSync } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { deflateSync } from "node:zlib";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "90" }, teams: { type: "string", default: "6" }, queries: { type: "string", default: "300" } } });
const seconds = Number(values.seconds);
const teamCount = Number(values.teams);
const queryCount = Number(values.queries);

// ─── A private PostgreSQL cluster this script may restart ─────────────────────────────────────────────────────────
const work = mkdtempSync(join(tmpdir(), "podium-bench-abuse-"));
const pgBin = readdirSync("/usr/lib/postgresql").sort().map((version) => `/usr/lib/postgresql/${version}/bin`).filter((bin) => existsSync(`${bin}/initdb`)).pop();
if (!pgBin) throw new Error("PostgreSQL's server binaries are missing: apt-get install postgresql (npm test installs it)");
const asPostgres = (command: string, args: string[]) =>
  process.getuid?.() === 0 ? execFileSync("su", ["postgres", "-s", "/bin/sh", "-c", [command, ...args].map((a) => `'${a}'`).join(" ")], { stdio: "pipe" }) : execFileSync(command, args, { stdio: "pipe" });
const pgDir = join(work, "pg");
mkdirSync(pgDir);
if (process.getuid?.() === 0) chownSync(pgDir, Number(execFileSync("id", ["-u", "postgres"]).toString()), Number(execFileSync("id", ["-g", "postgres"]).toString()));
execFileSync("chmod", ["755", work]); // the postgres user must reach its folder inside
asPostgres(`${pgBin}/initdb`, ["-D", pgDir, "--auth=trust", "-U", "postgres"]);

const { freePort, startNextServer } = await import("../tests/helpers/next-server");
const pgPort = await freePort();
const pgCtl = (...args: string[]) => asPostgres(`${pgBin}/pg_ctl`, ["-D", pgDir, "-l", join(pgDir, "log"), "-o", `-p ${pgPort} -c listen_addresses=127.0.0.1 -k /tmp`, "-w", ...args]);
pgCtl("start");
const databaseUrl = `postgresql://postgres@127.0.0.1:${pgPort}/postgres`;

// ─── The contest and its teams ───────────────────────────────────────────────────────────────────────────────────
const { openDatabase } = await import("../lib/db/open-database");
const { FolderBlobStore } = await import("../lib/storage/folder-blob-store");
const { createContest, resultsFor } = await import("../tests/helpers/contest");
const { createApiToken } = await import("../lib/auth/api-tokens");
const { createTeam } = await import("../lib/teams/create-team");
const { createUser } = await import("../lib/users/create-user");

const db = await openDatabase({ database: { kind: "postgres", url: databaseUrl, dataDir: "" }, migrate: true });
const port = await freePort();
const env = { DATABASE_URL: databaseUrl, S3_BUCKET: "", PODIUM_DATA_DIR: join(work, "data"), PODIUM_SECRET: "abuse-secret", PODIUM_TRUSTED_PROXY_HOPS: "1" };
let server = await startNextServer(env, { port });
const base = server.url;
const store = new FolderBlobStore({ root: join(work, "data", "blobs"), baseUrl: base, secret: "abuse-secret" });
console.log(`setting up a ${queryCount}-query contest, ${teamCount} teams …`);
const contest = await createContest(db.prisma, store, { slug: "abuse", queries: queryCount, settings: { legacyEndpoint: "open", dailyLimit: null, totalLimit: null } });
const organizerToken = (await createApiToken(db.prisma, { userId: contest.organizer!.userId, name: "bench" })).token;
const teams: { id: string; token: string }[] = [];
for (let i = 0; i < teamCount; i++) {
  const user = await createUser(db.prisma, { email: `team${i}@abuse.test`, password: "abuse bench password 1" });
  const team = await createTeam(db.prisma, { userId: user.id, isAdmin: false }, "abuse", `Team ${i}`);
  teams.push({ id: team.id, token: (await createApiToken(db.prisma, { userId: user.id, name: "bench" })).token });
}
await createUser(db.prisma, { email: "victim@abuse.test", password: "victim password 12" });

// Every file differs (ranks and the first query's list drawn at random), so an entry is identified by its bytes as
// well as by its id: two rows with one file's bytes are one acknowledged entry recorded twice.
const resultsFile = () => {
  const ranks = Array.from({ length: 7 }, () => Math.floor(Math.random() * 11));
  const results = resultsFor(contest.queries, contest.gallery, ranks);
  results[contest.queries[0]!] = [...contest.gallery].sort(() => Math.random() - 0.5).slice(0, 10);
  return JSON.stringify(results);
};

// ─── Measuring ──────────────────────────────────────────────────────────────────────────────────────────────────
const latencies = new Map<string, { ms: number; startedAt: number }[]>();
/** When the server or the database was down (from the fault's start until the server answered again). */
const outages: { from: number; to: number }[] = [];
const outcomes = new Map<string, Map<string, number>>();
const note = (kind: string, outcome: string, ms?: number) => {
  if (ms !== undefined) latencies.set(kind, [...(latencies.get(kind) ?? []), { ms, startedAt: performance.now() - ms }]);
  const byOutcome = outcomes.get(kind) ?? new Map<string, number>();
  byOutcome.set(outcome, (byOutcome.get(outcome) ?? 0) + 1);
  outcomes.set(kind, byOutcome);
};
let peakRssKiB = 0;
function serverRssKiB(): number {
  let total = 0;
  const pids = new Set([server.pid]);
  // The server and its children (Next may run a worker process), read from /proc.
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, "utf8");
      const parent = Number(/PPid:\s+(\d+)/.exec(status)?.[1]);
      if (pids.has(Number(entry)) || pids.has(parent)) {
        pids.add(Number(entry));
        total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      }
    } catch {
      // ended meanwhile
    }
  }
  return total;
}
const sampler = setInterval(() => (peakRssKiB = Math.max(peakRssKiB, serverRssKiB())), 100);

const deadline = Date.now() + seconds * 1000;
const running = () => Date.now() < deadline;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function timed(kind: string, request: () => Promise<Response>, ok: (response: Response) => boolean): Promise<Response | null> {
  const started = performance.now();
  try {
    const response = await request();
    await response.clone().arrayBuffer();
    note(kind, String(response.status), ok(response) ? performance.now() - started : undefined);
    return response;
  } catch (error) {
    note(kind, `network: ${(error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message}`);
    return null;
  }
}

// ─── Legitimate traffic ─────────────────────────────────────────────────────────────────────────────────────────
const acknowledged: { teamId: string; submissionId: string; sha256: string; key: string }[] = [];
async function apiSubmitter(team: { id: string; token: string }) {
  while (running()) {
    const body = resultsFile();
    const key = randomUUID();
    const sha256 = createHash("sha256").update(body).digest("hex");
    const started = performance.now();
    // The CLI's behaviour: retry the same request with the same key until it is answered, for up to 60 s.
    for (let attempt = 0; attempt < 60; attempt++) {
      let response: Response | null = null;
      try {
        response = await fetch(`${base}/api/v1/competitions/abuse/submissions`, { method: "POST", headers: { authorization: `Bearer ${team.token}`, "content-type": "application/json", "idempotency-key": key }, body });
      } catch {
        response = null;
      }
      if (response && (response.status === 201 || response.status === 202)) {
        const submission = ((await response.json()) as { submission: { id: string } }).submission;
        acknowledged.push({ teamId: team.id, submissionId: submission.id, sha256, key });
        note("API submission (with retries)", attempt === 0 ? "acknowledged" : "acknowledged after a retry", performance.now() - started);
        break;
      }
      if (response && ![409, 502, 503].includes(response.status)) {
        note("API submission (with retries)", `refused ${response.status}`);
        break;
      }
      await sleep(500);
    }
  }
}
const legacyAcknowledged = new Map<string, number>();
async function legacyPoster(client: number) {
  const name = `legacy-${client}`;
  while (running()) {
    const response = await timed(
      "legacy post",
      () => fetch(`${base}/c/abuse/retrieval/`, { method: "POST", headers: { "x-forwarded-for": `198.18.0.${client + 1}` }, body: JSON.stringify({ groupname: name, images: JSON.parse(resultsFile()) }) }),
      (r) => r.status === 200,
    );
    if (response?.status === 200) legacyAcknowledged.set(name, (legacyAcknowledged.get(name) ?? 0) + 1);
    else await sleep(250);
  }
}
async function pageViewer() {
  while (running()) {
    await timed("page view: competition", () => fetch(`${base}/c/abuse`), (r) => r.status === 200);
    await timed("page view: leaderboard API", () => fetch(`${base}/api/v1/competitions/abuse/leaderboard`), (r) => r.status === 200);
  }
}

// ─── Abusive traffic ────────────────────────────────────────────────────────────────────────────────────────────
async function passwordGuesser(client: number) {
  let n = 0;
  while (running()) {
    await timed(
      "abuse: wrong password",
      async () => {
        const csrfResponse = await fetch(`${base}/api/auth/csrf`);
        const cookie = csrfResponse.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
        const { csrfToken } = (await csrfResponse.json()) as { csrfToken: string };
        return fetch(`${base}/api/auth/callback/credentials`, {
          method: "POST",
          redirect: "manual",
          headers: { cookie, "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": `203.0.113.${client + 1}` },
          body: new URLSearchParams({ csrfToken, email: "victim@abuse.test", password: `guess ${n++}`, callbackUrl: base }),
        });
      },
      () => false,
    );
  }
}
async function oversizedBodies() {
  const big = JSON.stringify({ email: "x".repeat(20 * 1024 * 1024) });
  const deep = "[".repeat(512 * 1024);
  while (running()) {
    await timed("abuse: 20 MiB JSON body (anonymous)", () => fetch(`${base}/api/v1/competitions/abuse/admin/teams/x/disqualify`, { method: "POST", headers: { "content-type": "application/json" }, body: big }), () => false);
    await timed("abuse: 20 MiB JSON body (signed in)", () => fetch(`${base}/api/v1/competitions/abuse/organizers`, { method: "POST", headers: { authorization: `Bearer ${teams[0]!.token}`, "content-type": "application/json" }, body: big }), () => false);
    await timed("abuse: 512 KiB of nesting", () => fetch(`${base}/api/v1/competitions/abuse/organizers`, { method: "POST", headers: { authorization: `Bearer ${teams[0]!.token}`, "content-type": "application/json" }, body: deep }), () => false);
  }
}
/** A PNG that declares 30,000 × 30,000 pixels in a few hundred kilobytes: decoding it would take 2.7 GB. */
function pixelBombPng(): Buffer {
  const width = 30_000;
  const height = 30_000;
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([length, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  const rows = Buffer.alloc((width + 1) * 2000); // the first 2,000 rows of zeros; the rest is truncated
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", header), chunk("IDAT", deflateSync(rows)), chunk("IEND", Buffer.alloc(0))]);
}
async function pixelBombArchive() {
  const { tarArchive, validDatasetEntries } = await import("../tests/helpers/archives");
  const entries = await validDatasetEntries(4);
  const archive = await tarArchive([...entries, { name: "gallery/bomb.png", data: pixelBombPng() }], true);
  const started = performance.now();
  const auth = { authorization: `Bearer ${organizerToken}`, "content-type": "application/json" };
  try {
    const created = (await (await fetch(`${base}/api/v1/competitions/abuse/datasets`, { method: "POST", headers: auth, body: JSON.stringify({ fileName: "bomb.tar.gz", size: archive.length }) })).json()) as { versionId: string; uploadId: string };
    const parts = (await (await fetch(`${base}/api/v1/competitions/abuse/datasets/${created.versionId}/parts`, { method: "POST", headers: auth, body: JSON.stringify({ uploadId: created.uploadId, partNumbers: [1] }) })).json()) as { parts: { partNumber: number; url: string }[] };
    const put = await fetch(new URL(parts.parts[0]!.url, base), { method: "PUT", body: new Blob([archive as Uint8Array<ArrayBuffer>]) });
    const etag = put.headers.get("etag") ?? "";
    const completed = await fetch(`${base}/api/v1/competitions/abuse/datasets/${created.versionId}/complete`, { method: "POST", headers: auth, body: JSON.stringify({ uploadId: created.uploadId, parts: [{ partNumber: 1, etag }] }) });
    note("abuse: pixel-bomb dataset archive", `upload ${completed.status}`, performance.now() - started);
    for (let i = 0; i < 120 && running(); i++) {
      const version = (await fetch(`${base}/api/v1/competitions/abuse/datasets/${created.versionId}`, { headers: auth })
        .then((response) => response.json())
        .catch(() => ({}))) as { status?: string; validationReport?: { problems?: { message: string }[] } | null; error?: string | null };
      const status = version.status?.toUpperCase();
      if (status && status !== "VALIDATING" && status !== "UPLOADING") {
        note("abuse: pixel-bomb dataset archive", `validation ended ${status}${version.error ? `: ${version.error.slice(0, 120)}` : ""}`, performance.now() - started);
        return;
      }
      await sleep(500);
    }
  } catch (error) {
    note("abuse: pixel-bomb dataset archive", `failed: ${(error as Error).message}`);
  }
}

// ─── Faults ─────────────────────────────────────────────────────────────────────────────────────────────────────
const faults: string[] = [];
const serverOutput: string[] = [];
async function faultInjector() {
  await sleep(seconds * 350);
  serverOutput.push(server.output());
  process.kill(server.pid!, "SIGKILL");
  const killedAt = performance.now();
  await server.stop();
  server = await startNextServer(env, { port });
  outages.push({ from: killedAt, to: performance.now() });
  faults.push(`kill -9 of the server at ${(seconds * 0.35).toFixed(0)} s; answering again after ${((performance.now() - killedAt) / 1000).toFixed(1)} s`);
  await sleep(seconds * 300);
  const stoppedAt = performance.now();
  pgCtl("-m", "fast", "restart");
  outages.push({ from: stoppedAt, to: performance.now() });
  faults.push(`PostgreSQL restart at ${(seconds * 0.65).toFixed(0)} s; back after ${((performance.now() - stoppedAt) / 1000).toFixed(1)} s`);
}

console.log(`running for ${seconds} s: ${teamCount} API submitters, 2 legacy posters, 1 page viewer; 2 password guessers, oversized and deep bodies, a pixel-bomb archive; kill -9 and a PostgreSQL restart …`);
const started = Date.now();
await Promise.all([
  ...teams.map((team) => apiSubmitter(team)),
  legacyPoster(0),
  legacyPoster(1),
  pageViewer(),
  passwordGuesser(0),
  passwordGuesser(1),
  oversizedBodies(),
  pixelBombArchive(),
  faultInjector(),
]);
clearInterval(sampler);

// ─── Reconciliation ─────────────────────────────────────────────────────────────────────────────────────────────
let lost = 0;
let doubled = 0;
for (const entry of acknowledged) {
  const rows = await db.prisma.submission.count({ where: { id: entry.submissionId } });
  if (rows === 0) lost++;
  const sameBytes = await db.prisma.submission.count({ where: { teamId: entry.teamId, sha256: entry.sha256 } });
  if (sameBytes > 1) doubled += sameBytes - 1;
}
let legacyLost = 0;
let legacyUnacknowledged = 0;
for (const [name, acked] of legacyAcknowledged) {
  const team = await db.prisma.team.findFirst({ where: { competitionId: contest.competition.id, name } });
  const recorded = team ? await db.prisma.submission.count({ where: { teamId: team.id, channel: "LEGACY", status: "SCORED" } }) : 0;
  legacyLost += Math.max(0, acked - recorded);
  legacyUnacknowledged += Math.max(0, recorded - acked);
}

const percentile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
};
console.log(`\nbench:abuse — ${((Date.now() - started) / 1000).toFixed(0)} s on ${queryCount} queries, PostgreSQL (private cluster) + folder storage`);
for (const fault of faults) console.log(`  fault: ${fault}`);
// A request that overlapped an outage waited for the restart by design (retries); the goal is about the others.
const overlapsOutage = (sample: { ms: number; startedAt: number }) => outages.some((outage) => sample.startedAt < outage.to + 1000 && sample.startedAt + sample.ms > outage.from);
for (const [title, keep] of [
  ["legitimate requests while abusive ones ran, outside the outages (ms)", (sample: { ms: number; startedAt: number }) => !overlapsOutage(sample)],
  ["legitimate requests, all of them (including those that waited out an outage)", () => true],
] as const) {
  console.log(`\n${title.padEnd(58)} count      p50      p95      p99      max`);
  for (const [kind, samples] of latencies) {
    if (kind.startsWith("abuse")) continue;
    const values = samples.filter(keep).map((sample) => sample.ms);
    console.log(`  ${kind.padEnd(56)} ${String(values.length).padStart(5)} ${percentile(values, 0.5).toFixed(0).padStart(8)} ${percentile(values, 0.95).toFixed(0).padStart(8)} ${percentile(values, 0.99).toFixed(0).padStart(8)} ${Math.max(...values).toFixed(0).padStart(8)}`);
  }
}
console.log("\noutcomes by kind");
for (const [kind, byOutcome] of outcomes) console.log(`  ${kind.padEnd(46)} ${[...byOutcome].map(([outcome, count]) => `${outcome}: ${count}`).join(", ")}`);
console.log(`\npeak resident memory of the server (VmRSS, with its children): ${(peakRssKiB / 1024).toFixed(0)} MiB`);
console.log(`\nreconciliation: ${acknowledged.length} acknowledged API entries — lost ${lost}, doubled ${doubled}; legacy: ${[...legacyAcknowledged.values()].reduce((a, b) => a + b, 0)} acknowledged — lost ${legacyLost} (${legacyUnacknowledged} recorded but never acknowledged: the client saw an error and its entry counts)`);

const errors = [...serverOutput, server.output()].join("\n").split("\n").filter((line) => /^\[(api|retrieval) /.test(line));
if (errors.length > 0) console.log(`\nserver errors logged (first 5 of ${errors.length}):\n${errors.slice(0, 5).join("\n")}`);

await server.stop();
await db.close();
pgCtl("-m", "fast", "stop");
rmSync(work, { recursive: true, force: true });
process.exit(lost + doubled + legacyLost > 0 ? 1 : 0);
