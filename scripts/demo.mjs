#!/usr/bin/env node
// `npm run demo [-- --reset]`: builds the web app when the build is missing or older than the sources, seeds the
// demo contest (lib/demo/seed-demo.ts) on the embedded defaults — or on DATABASE_URL / S3_* when set — then starts
// `next start` in the foreground; its in-process worker scores the queued baseline models while this script follows
// the public leaderboard. A second run reuses the data; --reset deletes the embedded data folder first.
// The embedded database belongs to one process at a time: the seed opens and closes it before the server starts.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
const WAIT_FOR_SCORES_MS = 10 * 60 * 1000;

const USAGE = `Usage: npm run demo [-- --reset]

Builds Podium if needed, seeds the demo contest (users, teams, a generated dataset, baseline entries) and starts
the server on PORT (default 3000), listening on 127.0.0.1 only: its admin password is in the README, so other
machines reach it only when asked (HOST=0.0.0.0 npm run demo). Run it again to reuse the data; --reset deletes the
embedded data folder (PODIUM_DATA_DIR, default .podium) first.`;

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(USAGE);
  process.exit(0);
}
const unknown = args.filter((arg) => arg !== "--reset");
if (unknown.length > 0) {
  console.error(`demo: unknown argument ${unknown.join(" ")}\n\n${USAGE}`);
  process.exit(2);
}

const say = (line) => console.log(`[demo] ${line}`);
const { tsImport } = await import("tsx/esm/api");
const load = (path) => tsImport(pathToFileURL(join(root, path)).href, import.meta.url);
const { demoServerSettings, resetDemoData, seedDemoFromSettings } = await load("lib/demo/seed-demo-from-settings.ts");
const { describeDemo, expectedDemoEntries, formatDemoBoard } = await load("lib/demo/describe-demo.ts");

/** Newest modification time of the web app's sources (generated code and tests excluded). */
function newestSource(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === "generated" || entry.name === "node_modules" || entry.name.startsWith(".") || entry.name.endsWith(".test.ts")) continue;
    newest = Math.max(newest, newestSource(join(path, entry.name)));
  }
  return newest;
}

function buildIfStale() {
  const buildId = join(root, ".next", "BUILD_ID");
  const sources = ["app", "components", "lib", "server", "public", "prisma/schema.prisma", "instrumentation.ts", "next.config.js", "postcss.config.mjs", "tsconfig.json", "package.json"];
  const newest = Math.max(...sources.map((source) => newestSource(join(root, source))));
  if (existsSync(buildId) && statSync(buildId).mtimeMs >= newest) return;
  say(existsSync(buildId) ? "the sources changed since the last build: rebuilding the web app…" : "building the web app (first run only; a few minutes)…");
  const started = Date.now();
  const build = spawnSync(process.execPath, [nextBin, "build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (build.status !== 0) {
    console.error("demo: next build failed (see above)");
    process.exit(build.status ?? 1);
  }
  say(`built in ${Math.round((Date.now() - started) / 1000)} s`);
}

const server = demoServerSettings();
try {
  if (args.includes("--reset")) say(`deleted ${resetDemoData()}`);
} catch (error) {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
buildIfStale();

let summary;
const seedStarted = Date.now();
try {
  summary = await seedDemoFromSettings(say);
} catch (error) {
  console.error(`demo: seeding failed: ${error instanceof Error ? error.message : String(error)}`);
  if (!server.embedded) console.error("demo: on PostgreSQL, apply the migrations first: npx podium db migrate");
  process.exit(1);
}
if (summary.changes.length === 0) say(`the demo is already seeded in ${server.embedded ? server.dataDir : "the configured database"}: reusing it (npm run demo -- --reset starts over)`);
else say(`seeded in ${Math.round((Date.now() - seedStarted) / 1000)} s: ${summary.changes.length} step(s), ${summary.dataset.queries} queries, ${summary.dataset.gallery} gallery images, ${summary.teams} teams, ${summary.entries.length} entries`);

say(`starting the server on port ${server.port}…`);
// Loopback unless HOST says otherwise: the demo's accounts and their passwords are public.
const host = process.env.HOST || "127.0.0.1";
if (host !== "127.0.0.1" && host !== "localhost") say(`listening on ${host}: the demo's published passwords let anyone who reaches it sign in as its admin`);
const child = spawn(process.execPath, [nextBin, "start", "-p", String(server.port), "-H", host], {
  stdio: "inherit",
  env: { ...process.env, PORT: String(server.port), PODIUM_PUBLIC_URL: server.publicUrl, NEXT_TELEMETRY_DISABLED: "1" },
});
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    stopping = true;
    child.kill(signal);
  });
}
child.on("exit", (code, signal) => {
  if (!stopping && code !== 0) console.error(`demo: the server stopped (${signal ?? `exit code ${code}`}); is port ${server.port} free? PORT=3001 npm run demo picks another`);
  process.exit(code ?? (signal ? 0 : 1));
});

const local = `http://127.0.0.1:${server.port}`;

/** The public board, or null while the server is starting. */
async function board() {
  try {
    const response = await globalThis.fetch(`${local}${summary.paths.leaderboardApi}`);
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

const expected = expectedDemoEntries(summary);
const waitStarted = Date.now();
let rows = null;
let lastReport = "";
let lastReportAt = 0;
while (Date.now() - waitStarted < WAIT_FOR_SCORES_MS) {
  const current = await board();
  if (current) {
    if (rows === null) say(`the server is up: ${server.publicUrl}${summary.paths.competition}`);
    rows = current.rows;
    const scored = rows.reduce((total, row) => total + row.entries, 0);
    if (scored >= expected) break;
    const report = `the server's worker is scoring the baseline models: ${scored} of ${expected} entries scored`;
    if (report !== lastReport || Date.now() - lastReportAt > 30_000) {
      say(`${report} (${Math.round((Date.now() - waitStarted) / 1000)} s)`);
      lastReport = report;
      lastReportAt = Date.now();
    }
    if (!server.inProcessWorker) {
      say("PODIUM_WORKER=off: the models wait for a separate worker (npm run worker)");
      break;
    }
  }
  await sleep(2000);
}
if (rows && rows.reduce((total, row) => total + row.entries, 0) >= expected) say(`every entry is scored${summary.changes.length > 0 ? ` (${Math.round((Date.now() - seedStarted) / 1000)} s after seeding began)` : ""}`);
else if (rows) say("some entries are still being scored; the board below fills in as they finish");

console.log("");
if (rows) console.log(`Public leaderboard\n${formatDemoBoard(rows)}\n`);
console.log(describeDemo(summary, server.publicUrl));
console.log(`\nCtrl-C stops the server; npm run demo starts it again on the same data.`);
