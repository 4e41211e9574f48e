import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rehearsalDatasetOptions } from "../../cli/rehearsal/plan";
import type { RehearsalReport } from "../../cli/rehearsal/report";
import { buildDemoDataset } from "../../lib/demo/build-demo-dataset";
import { startNextServer, type RunningServer } from "../helpers/next-server";
import { runPodium } from "../helpers/run-cli";
import { postgresAndS3Env } from "../helpers/services";
import { startTamperingProxy, type TamperingProxy } from "../helpers/tampering-proxy";

// `podium rehearse` run as an organizer runs it, in its own process, against the production build: a short contest
// on PostgreSQL and Ceph RGW must pass every check; a server that drops an acknowledged entry and scores other
// bytes than it was sent must make it exit 1 naming both.

/** `podium …` without blocking the test's event loop (the rehearsal runs for minutes). */
function podium(args: string[], env: Record<string, string>): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(process.cwd(), "bin", "podium.mjs"), ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("close", (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

function adminToken(env: Record<string, string>): string {
  const created = runPodium(["admin", "create-user", "--email", "admin@example.org", "--password", "a long admin password", "--admin"], env);
  expect(created.stderr).toBe("");
  const token = runPodium(["admin", "token", "--email", "admin@example.org", "--name", "rehearsal"], env);
  expect(token.status).toBe(0);
  return token.stdout.trim();
}

describe("podium rehearse against a server on PostgreSQL and Ceph RGW", () => {
  let server: RunningServer;
  let env: Record<string, string>;
  let work: string;
  let token: string;
  const disposers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "podium-rehearse-"));
    const services = await postgresAndS3Env(work);
    disposers.push(services.dispose);
    env = services.env;
    expect(runPodium(["db", "migrate"], env).status).toBe(0);
    token = adminToken(env);
    server = await startNextServer(env);
  });
  afterAll(async () => {
    await server?.stop();
    for (const dispose of disposers.reverse()) await dispose();
    rmSync(work, { recursive: true, force: true });
  });

  it("plays 8 teams for 90 s with a model, finds no discrepancy, and leaves the rehearsal to delete", { timeout: 15 * 60_000 }, async () => {
    const reportPath = join(work, "report.json");
    const run = await podium(["rehearse", "--server", server.url, "--token", token, "--teams", "8", "--duration", "90", "--models", "1", "--report", reportPath], env);
    // The summary in the test's output: figures for the README and the closing note.
    console.log(run.stderr, run.stdout);
    if (run.status !== 0) console.error(server.output().slice(-4000));
    expect(run.stdout).toMatch(/no discrepancies/);
    expect(run.status).toBe(0);
    const report = JSON.parse(readFileSync(reportPath, "utf8")) as RehearsalReport;
    expect(report.ok).toBe(true);
    expect(report.discrepancies).toEqual([]);
    expect(report.timeZone).not.toBe("UTC");
    expect(report.dataset).toMatchObject({ queries: 1455, gallery: 1500 });
    // Every door carried entries; the refusals are the planned ones, for the planned reasons.
    for (const door of ["web", "api", "upload", "cli", "legacy", "model"]) expect(report.entries.byDoor[door], door).toBeGreaterThan(0);
    expect(Object.keys(report.entries.refused).sort()).toEqual(expect.arrayContaining(["after-end → 403", "invalid → 422", "over-quota → 429"]));
    for (const door of ["web", "api", "upload", "cli", "legacy"]) expect(report.latencyMs[door]!.p50).toBeGreaterThan(0);
    expect(report.models).toHaveLength(1);
    expect(report.models[0]!.runSeconds).toBeGreaterThan(0);
    expect(report.endToRevealSeconds).toBeGreaterThan(0);
    expect(report.frozenBoardChecks).toBeGreaterThanOrEqual(2);

    // The organizer inspects it, then deletes it with its accounts.
    expect(runPodium(["login", "--server", server.url, "--token", token], { ...env, PODIUM_CONFIG_DIR: join(work, "admin-config") }).status).toBe(0);
    const removed = runPodium(["competition", "delete", report.competition], { ...env, PODIUM_CONFIG_DIR: join(work, "admin-config") });
    expect(removed.stdout).toMatch(new RegExp(`deleted rehearsal ${report.competition}: 8 team\\(s\\)`));
  });
});

describe("podium rehearse against a broken server (embedded defaults behind a tampering proxy)", () => {
  let server: RunningServer;
  let proxy: TamperingProxy;
  let env: Record<string, string>;
  let work: string;
  let token: string;
  const settings = { queries: 300, seed: "broken-server" };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "podium-rehearse-broken-"));
    env = { PODIUM_DATA_DIR: join(work, "data"), PODIUM_CONFIG_DIR: join(work, "config"), DATABASE_URL: "", S3_BUCKET: "" };
    token = adminToken(env);
    server = await startNextServer(env);
    // The rehearsal's dataset is a function of its seed: the test knows each query's match, so the rewrite moves a
    // right first answer out of one query — off by exactly one query.
    const dataset = await buildDemoDataset(rehearsalDatasetOptions(settings));
    proxy = await startTamperingProxy(server.url, {
      dropFirstLegacyEntry: true,
      rewriteFirstApiEntry: (body) => {
        const results = JSON.parse(body.toString("utf8")) as Record<string, string[]>;
        const query = Object.keys(results).find((name) => dataset.truth[name]?.includes(results[name]![0]!));
        if (!query) return null;
        const list = results[query]!;
        list[0] = dataset.gallery.find((name) => !dataset.truth[query]!.includes(name) && !list.includes(name))!;
        return Buffer.from(JSON.stringify(results));
      },
    });
  });
  afterAll(async () => {
    await proxy?.stop();
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it("exits 1 naming the dropped entry and the score that is off by one query", { timeout: 10 * 60_000 }, async () => {
    const run = await podium(["rehearse", "--server", proxy.url, "--token", token, "--teams", "4", "--duration", "40", "--models", "0", "--queries", String(settings.queries), "--seed", settings.seed], env);
    expect([...proxy.faults].sort()).toEqual([expect.stringMatching(/^dropped a legacy entry of \d+ bytes$/), "rewrote an API entry"]);
    expect(run.status, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toMatch(/DISCREPANCIES/);
    expect(run.stdout).toMatch(/'s entry via legacy \(#\d+, sent .*\) was acknowledged \(HTTP 200\) but is not on the server/);
    // One query's first answer no longer right: 600+300+100 points over the 300 queries, on its split and on all.
    expect(run.stdout).toMatch(/'s entry via api .* the server's all score is \d+\.\d{4}, podium score of the same bytes gives \d+\.\d{4}/);
    const all = /the server's all score is (\d+\.\d{4}), podium score of the same bytes gives (\d+\.\d{4})/.exec(run.stdout)!;
    expect(Number(all[2]) - Number(all[1])).toBeCloseTo(1000 / settings.queries, 3);
  });
});
