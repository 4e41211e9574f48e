import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSettings } from "../../lib/config/env";
import { DEMO_PASSWORD, DEMO_SLUG } from "../../lib/demo/demo-contest";
import { seedDemo, type DemoSummary, type SeedDemoOptions } from "../../lib/demo/seed-demo";
import { verifyPassword } from "../../lib/auth/password";
import type { Database } from "../../lib/db/open-database";
import { getLeaderboard } from "../../lib/leaderboards/get-leaderboard";
import { runOneJob } from "../../lib/queue/run-jobs";
import { localWakeUp } from "../../lib/queue/wake-up";
import type { FolderBlobStore } from "../../lib/storage/folder-blob-store";
import { jobHandlers } from "../../lib/worker/job-handlers";
import { databaseAndStore } from "../helpers/test-world";

// The demo seed end to end on the embedded defaults (PGlite, folder storage): everything is created through lib/,
// the in-process worker's handlers score the queued models, and the public board shows honest, distinct scores.
// A small demo (24 people to find) keeps it quick.

describe("seedDemo", () => {
  let database: Database;
  let store: FolderBlobStore;
  let first: DemoSummary;
  const disposers: (() => Promise<void> | void)[] = [];
  const scratch = mkdtempSync(join(tmpdir(), "podium-demo-seed-"));
  disposers.push(() => rmSync(scratch, { recursive: true, force: true }));
  const options: SeedDemoOptions = {
    checks: { dryRun: { timeoutMs: 60_000, memoryLimitBytes: 1024 ** 3 }, wakeUp: localWakeUp() },
    dataset: { seed: "seed-test", identities: 24, distractors: 12, trainingIdentities: 4 },
    examplesDir: join(scratch, "examples"),
  };

  beforeAll(async () => {
    ({ database, store } = await databaseAndStore("pglite", disposers));
    first = await seedDemo(database, store, options);
  });
  afterAll(async () => {
    for (const dispose of disposers.reverse()) await dispose();
  });

  it("creates the accounts, the competition with its settings, the active dataset and the teams", async () => {
    expect(first.signIns.map((signIn) => signIn.email)).toEqual(["organizer@demo.podium", "ada@demo.podium", "grace@demo.podium", "alan@demo.podium", "random@demo.podium"]);
    const organizer = await database.prisma.user.findUniqueOrThrow({ where: { email: "organizer@demo.podium" }, omit: { passwordHash: false } });
    expect(organizer.isAdmin).toBe(true);
    expect(await verifyPassword(DEMO_PASSWORD, organizer.passwordHash!)).toBe(true);

    const competition = await database.prisma.competition.findUniqueOrThrow({ where: { slug: DEMO_SLUG }, include: { organizers: true } });
    expect(competition).toMatchObject({
      title: "Photo ↔ portrait retrieval (demo)",
      submissionKinds: ["RESULTS", "MODEL"],
      publicFraction: 0.5,
      dailyLimit: 5,
      startsAt: null,
      endsAt: null,
      registrationOpen: true,
      legacyEndpointMode: "OPEN",
      isLegacyDefault: true,
      leaderboardVisibility: "PUBLIC",
    });
    expect(competition.description).toMatch(/\*\*The task\.\*\*/);
    expect(competition.rules).toMatch(/600·hit@1/);
    expect(competition.organizers.map((row) => row.userId)).toEqual([organizer.id]);
    expect(first.legacyDefault).toBe(true);
    expect(first.dataset).toEqual({ version: 1, queries: 24, gallery: (24 + 12) * 3, training: 4 * 5 });
    expect(first.teams).toBe(4);
    expect(first.changes).toContain("activated dataset version 1");
  });

  it("scores the results files at once and queues the models", () => {
    expect(first.entries.map(({ team, kind, fileName, status }) => ({ team, kind, fileName, status }))).toEqual([
      { team: "Histogram Hunters", kind: "model", fileName: "colour-histogram-grid.onnx", status: "queued" },
      { team: "Chroma Club", kind: "model", fileName: "chroma-grid.onnx", status: "queued" },
      { team: "Tiny Pixels", kind: "results", fileName: "tiny-pixels-results.json", status: "scored" },
      { team: "Tiny Pixels", kind: "model", fileName: "tiny-pixels.onnx", status: "queued" },
      { team: "Random Guess", kind: "results", fileName: "random-results.json", status: "scored" },
    ]);
  });

  it("lets the worker's handlers score every model, each baseline clearly above the random entry and below 1000", async () => {
    const handlers = jobHandlers(database, store, readSettings({ PODIUM_WORKER_CACHE_DIR: join(scratch, "worker-cache") }));
    let jobs = 0;
    while (await runOneJob({ sql: database.sql, handlers, workerId: "demo-test-worker", leaseSeconds: 60 })) jobs++;
    expect(jobs).toBe(3);
    const submissions = await database.prisma.submission.findMany({ where: { competition: { slug: DEMO_SLUG } } });
    expect(submissions.map((submission) => [submission.fileName, submission.status, submission.error])).toEqual(submissions.map((submission) => [submission.fileName, "SCORED", null]));

    const board = await getLeaderboard(database.prisma, null, DEMO_SLUG, "public");
    const score = Object.fromEntries(board.rows.map((row) => [row.team, row.score]));
    expect(Object.keys(score).sort()).toEqual(["Chroma Club", "Histogram Hunters", "Random Guess", "Tiny Pixels"]);
    for (const team of ["Tiny Pixels", "Chroma Club", "Histogram Hunters"]) {
      expect(score[team]).toBeGreaterThan(score["Random Guess"]! + 100);
      expect(score[team]).toBeLessThan(1000);
    }
    expect(board.rows.find((row) => row.team === "Tiny Pixels")!.entries).toBe(2);
  });

  it("ranks exactly as the worker: the tiny-pixels results file computed at seed time scores the same as the model", async () => {
    const again = await seedDemo(database, store, options);
    const tiny = again.entries.filter((entry) => entry.team === "Tiny Pixels");
    expect(tiny.map((entry) => entry.kind)).toEqual(["results", "model"]);
    expect(tiny[0]!.publicScore).not.toBeNull();
    expect(tiny[1]!.publicScore).toBe(tiny[0]!.publicScore);
  });

  it("changes nothing on a second run", async () => {
    const counts = async () => ({
      users: await database.prisma.user.count(),
      competitions: await database.prisma.competition.count(),
      versions: await database.prisma.datasetVersion.count(),
      teams: await database.prisma.team.count(),
      submissions: await database.prisma.submission.count(),
      jobs: await database.prisma.job.count(),
    });
    const before = await counts();
    const again = await seedDemo(database, store, options);
    expect(again.changes).toEqual([]);
    expect(await counts()).toEqual(before);
    expect(before).toEqual({ users: 5, competitions: 1, versions: 1, teams: 4, submissions: 5, jobs: 4 });
    expect(again.entries.map((entry) => entry.status)).toEqual(["scored", "scored", "scored", "scored", "scored"]);
  });

  it("writes the baseline models and a legacy-client body to try by hand", () => {
    expect(first.examples!.models.map((path) => path.slice(path.lastIndexOf("/") + 1))).toEqual(["tiny-pixels.onnx", "chroma-grid.onnx", "colour-histogram-grid.onnx"]);
    expect(first.examples!.models.every((path) => existsSync(path))).toBe(true);
    const body = JSON.parse(readFileSync(first.examples!.legacyBody, "utf8")) as { groupname: string; images: Record<string, string[]> };
    expect(body.groupname).toBe("Curl Team");
    expect(Object.keys(body.images)).toHaveLength(24);
  });
});
