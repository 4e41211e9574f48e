import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validDatasetEntries } from "../helpers/archives";
import { startNextServer, type RunningServer } from "../helpers/next-server";
import { runPodium } from "../helpers/run-cli";
import { postgresAndS3Env } from "../helpers/services";

// The organizer's whole set-up from the CLI against a running server on PostgreSQL and S3 (Ceph RGW):
// podium admin, podium login, podium competition create, podium dataset upload.
describe("organizer set-up from the CLI", () => {
  let server: RunningServer;
  let env: Record<string, string>;
  let work: string;
  const disposers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "podium-org-cli-"));
    const services = await postgresAndS3Env(work);
    disposers.push(services.dispose);
    env = services.env;
    expect(runPodium(["db", "migrate"], env).status).toBe(0);
    server = await startNextServer(env);
  });
  afterAll(async () => {
    await server?.stop();
    for (const dispose of disposers.reverse()) await dispose();
    rmSync(work, { recursive: true, force: true });
  });

  it("creates an organizer, logs in, creates a competition and uploads, validates and activates a dataset", async () => {
    const created = runPodium(["admin", "create-user", "--email", "Organizer@Example.org", "--password", "a long password"], env);
    expect(created.stderr).toBe("");
    expect(created.stdout).toMatch(/created user organizer@example\.org/);
    const again = runPodium(["admin", "create-user", "--email", "organizer@example.org", "--password", "a long password"], env);
    expect(again.status).toBe(5);
    expect(again.stderr).toMatch(/an account for organizer@example\.org already exists/);

    const token = runPodium(["admin", "token", "--email", "organizer@example.org", "--name", "ci"], env);
    expect(token.status).toBe(0);
    expect(token.stderr).toMatch(/shown once/);
    const secret = token.stdout.trim();

    const badLogin = runPodium(["login", "--server", server.url, "--token", "pod_wrong"], env);
    expect(badLogin.status).toBe(3);
    expect(badLogin.stderr).toMatch(/unknown API token/);
    const login = runPodium(["login", "--server", server.url, "--token", secret], env);
    expect(login.stdout).toMatch(/logged in to .* as organizer@example\.org/);

    const create = runPodium(
      ["competition", "create", "--slug", "celebs", "--title", "Celebrity retrieval", "--public-fraction", "0.5", "--split-seed", "7", "--daily-limit", "5", "--total-limit", "100",
        "--legacy-endpoint", "open", "--submission-kinds", "results,model", "--time-zone", "Europe/Berlin", "--starts-at", "2026-12-01T14:00:00+01:00", "--ends-at", "2026-12-01T16:00:00+01:00"],
      env,
    );
    expect(create.stderr).toBe("");
    expect(create.stdout).toMatch(/created competition celebs/);
    expect(create.stdout).toMatch(/split-seed\s+7/);
    // Instants: the API's ISO 8601, then as people read it in the competition's zone (lib/time/format-time).
    expect(create.stdout).toMatch(/starts-at\s+2026-12-01T13:00:00\.000Z \(1 Dec 2026, 14:00 CET\)/);
    expect(create.stdout).toMatch(/ends-at\s+2026-12-01T15:00:00\.000Z \(1 Dec 2026, 16:00 CET\)/);

    const bad = runPodium(["competition", "update", "celebs", "--public-fraction", "2", "--legacy-endpoint", "sometimes"], env);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--public-fraction: must be between 0 and 1/);
    expect(bad.stderr).toMatch(/--legacy-endpoint: must be off, open or token/);

    const update = runPodium(["competition", "update", "celebs", "--weights", "1:600,5:300,10:100", "--leaderboard", "hidden"], env);
    expect(update.stdout).toMatch(/updated celebs: weights, leaderboard/);
    const show = runPodium(["competition", "show", "celebs", "--json"], env);
    expect(JSON.parse(show.stdout)).toMatchObject({ slug: "celebs", leaderboard: "hidden", dailyLimit: 5, submissionKinds: ["results", "model"], splitSeed: "7" });

    const folder = join(work, "dataset");
    for (const entry of await validDatasetEntries(6, { training: true })) {
      mkdirSync(dirname(join(folder, entry.name)), { recursive: true });
      writeFileSync(join(folder, entry.name), entry.data ?? "");
    }
    const upload = runPodium(["dataset", "upload", "--competition", "celebs", folder, "--activate"], env);
    expect(upload.stderr).toMatch(/uploading dataset\.tar\.gz .*100%/s);
    expect(upload.status).toBe(0);
    expect(upload.stdout).toMatch(/dataset version 1: READY \(active\)/);
    expect(upload.stdout).toMatch(/query\s+6 files/);
    expect(upload.stdout).toMatch(/gallery\s+8 files/);
    expect(upload.stdout).toMatch(/training\s+3 files in 2 identities/);

    writeFileSync(join(work, "broken.tar"), "not a tar archive at all".repeat(40));
    const rejected = runPodium(["dataset", "upload", "--competition", "celebs", join(work, "broken.tar")], env);
    expect(rejected.status).toBe(1);
    expect(rejected.stdout).toMatch(/dataset version 2: REJECTED/);

    const list = runPodium(["dataset", "list", "--competition", "celebs"], env);
    expect(list.stdout).toMatch(/1\s+READY\s+active/);
    expect(list.stdout).toMatch(/2\s+REJECTED/);
  });

  it("lets a team submit, list its submissions and print the leaderboard from the CLI", async () => {
    expect(runPodium(["competition", "update", "celebs", "--starts-at", "none", "--ends-at", "none", "--leaderboard", "public"], env).status).toBe(0);
    expect(runPodium(["admin", "create-user", "--email", "team@example.org", "--password", "team password 1"], env).status).toBe(0);
    const secret = runPodium(["admin", "token", "--email", "team@example.org"], env).stdout.trim();
    const teamEnv = { ...env, PODIUM_CONFIG_DIR: join(work, "team-config") };
    expect(runPodium(["login", "--server", server.url, "--token", secret], teamEnv).status).toBe(0);
    const outsider = runPodium(["submit", "--competition", "celebs", join(work, "broken.tar")], teamEnv);
    expect(outsider.status).toBe(3);
    expect(outsider.stderr).toMatch(/you are not in a team of celebs: create or join one first/);
    const created = await fetch(`${server.url}/api/v1/competitions/celebs/teams`, { method: "POST", headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" }, body: JSON.stringify({ name: "CLI Crew" }) });
    expect(created.status).toBe(201);

    const queries = Array.from({ length: 6 }, (_, i) => `q${i}.jpg`);
    const gallery = [...queries.map((_, i) => `g${i}.jpg`), "distractor-1.png", "distractor-2.jpg"];
    const results = Object.fromEntries(queries.map((query, i) => [query, i % 2 === 0 ? [`g${i}.jpg`] : gallery.filter((name) => name !== `g${i}.jpg`)]));
    writeFileSync(join(work, "results.json"), JSON.stringify(results));
    const submitted = runPodium(["submit", "--competition", "celebs", join(work, "results.json")], teamEnv);
    // Before uploading, where the team stands (daily limit 5, total 100); nothing else on stderr.
    expect(submitted.stderr).toBe("5 of 5 entries left today; 100 of 100 left in total; this entry counts once it is scored\n");
    expect(submitted.stdout).toMatch(/submission .*: scored/);
    expect(submitted.stdout).toMatch(/public\s+\d+\.\d{2}/);
    expect(submitted.stdout).not.toMatch(/private/);

    writeFileSync(join(work, "invalid.json"), JSON.stringify({ "q0.jpg": ["ghost.jpg"] }));
    const invalid = runPodium(["submit", "--competition", "celebs", join(work, "invalid.json")], teamEnv);
    expect(invalid.status).toBe(1);
    expect(invalid.stderr).toMatch(/1 list entry names a file not in the gallery: query "q0\.jpg", position 1, "ghost\.jpg"/);

    // Over 5 MiB a results file goes straight to storage in parts (a Lambda function URL stops bodies at 6 MB).
    writeFileSync(join(work, "large.json"), JSON.stringify(results) + " ".repeat(6 * 1024 * 1024));
    const large = runPodium(["submit", "--competition", "celebs", join(work, "large.json")], teamEnv);
    expect(large.stderr).toMatch(/scoring…/);
    expect(large.stdout).toMatch(/submission .*: scored/);

    const mine = runPodium(["submissions", "--competition", "celebs"], teamEnv);
    expect(mine.stdout).toMatch(/team CLI Crew: 3 submission\(s\)/);
    expect(mine.stdout).toMatch(/invalid/);
    // Submission times in the competition's zone (Europe/Berlin), with seconds.
    expect(mine.stdout).toMatch(/^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}:\d{2} CES?T {2}scored/m);
    const board = runPodium(["leaderboard", "--competition", "celebs"], teamEnv);
    expect(board.stdout).toMatch(/^\s+1\s+CLI Crew.*\d{2}:\d{2}:\d{2} CES?T$/m);
    const csv = runPodium(["leaderboard", "--competition", "celebs", "--csv"], teamEnv);
    expect(csv.stdout.split("\n")[1]).toMatch(/^1,CLI Crew,/);
    const hidden = runPodium(["leaderboard", "--competition", "celebs", "--private"], teamEnv);
    expect(hidden.status).toBe(3);
    expect(hidden.stderr).toMatch(/private leaderboard of celebs is hidden/);
  });

  it("refuses to re-mean scored entries without --confirm-rescore, sets analysis and ladder, confirms the reveal and exports the audit log", async () => {
    const refused = runPodium(["competition", "update", "celebs", "--split-seed", "8"], env);
    expect(refused.status).toBe(5);
    expect(refused.stderr).toMatch(/changing splitSeed changes what the 2 scored entries' scores mean: .*--confirm-rescore/);
    const confirmed = runPodium(["competition", "update", "celebs", "--split-seed", "8", "--confirm-rescore"], env);
    expect(confirmed.status).toBe(0);
    expect(confirmed.stdout).toMatch(/2 entries are queued for rescoring; each is off the boards until its job has run \(quotas untouched\)/);

    expect(runPodium(["competition", "update", "celebs", "--team-analysis", "during", "--ladder-threshold", "5"], env).status).toBe(0);
    expect(JSON.parse(runPodium(["competition", "show", "celebs", "--json"], env).stdout)).toMatchObject({ splitSeed: "8", teamAnalysis: "during", ladderThreshold: 5 });
    expect(runPodium(["competition", "update", "celebs", "--ladder-threshold", "off"], env).status).toBe(0);
    expect(JSON.parse(runPodium(["competition", "show", "celebs", "--json"], env).stdout)).toMatchObject({ ladderThreshold: null });
    expect(runPodium(["competition", "update", "celebs", "--team-analysis", "sometimes"], env).stderr).toMatch(/--team-analysis: must be off, after-end or during/);

    const secret = runPodium(["admin", "token", "--email", "organizer@example.org", "--name", "audit"], env).stdout.trim();
    const asOrganizer = { authorization: `Bearer ${secret}`, "content-type": "application/json" };
    const unconfirmed = await fetch(`${server.url}/api/v1/competitions/celebs/reveal`, { method: "POST", headers: asOrganizer });
    expect(unconfirmed.status).toBe(400);
    expect((await unconfirmed.json()).error.message).toMatch(/confirm: .*\{"confirm": true\}/);
    expect((await fetch(`${server.url}/api/v1/competitions/celebs/reveal`, { method: "POST", headers: asOrganizer, body: JSON.stringify({ confirm: true }) })).status).toBe(200);

    const csv = await fetch(`${server.url}/api/v1/competitions/celebs/audit?format=csv`, { headers: asOrganizer });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    const text = await csv.text();
    expect(text).toMatch(/organizer@example\.org,competition\.update,competition,[^,]+,splitSeed: 7 → 8,/);
    expect(text).toContain("leaderboard.reveal");
    const teamSecret = runPodium(["admin", "token", "--email", "team@example.org", "--name", "audit"], env).stdout.trim();
    expect((await fetch(`${server.url}/api/v1/competitions/celebs/audit`, { headers: { authorization: `Bearer ${teamSecret}` } })).status).toBe(403);
  });

  it("deletes a rehearsal, and a real competition only with --force", async () => {
    const created = runPodium(["competition", "create", "--slug", "dress-rehearsal", "--title", "Dress rehearsal", "--rehearsal"], env);
    expect(created.stderr).toBe("");
    expect(created.stdout).toMatch(/^rehearsal\s+true$/m);
    const teamSecret = runPodium(["admin", "token", "--email", "team@example.org", "--name", "delete"], env).stdout.trim();
    const asTeam = await fetch(`${server.url}/api/v1/competitions/dress-rehearsal`, { method: "DELETE", headers: { authorization: `Bearer ${teamSecret}` } });
    expect(asTeam.status).toBe(403);
    const deleted = runPodium(["competition", "delete", "dress-rehearsal"], env);
    expect(deleted.stderr).toBe("");
    expect(deleted.stdout).toBe("deleted rehearsal dress-rehearsal: 0 team(s), 0 entries, 0 rehearsal account(s), 0 stored file(s)\n");
    expect(runPodium(["competition", "show", "dress-rehearsal"], env).status).toBe(4);

    // The real contest of this file, with its teams and entries: refused, and nothing is gone.
    const refused = runPodium(["competition", "delete", "celebs"], env);
    expect(refused.status).toBe(5);
    expect(refused.stderr).toMatch(/celebs is not a rehearsal: deleting it removes its teams, entries and data for good; say --force/);
    expect(runPodium(["competition", "show", "celebs"], env).status).toBe(0);
  });
});
