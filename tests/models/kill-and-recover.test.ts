import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../lib/auth/actor";
import type { Database } from "../../lib/db/open-database";
import { localWakeUp } from "../../lib/queue/wake-up";
import type { FolderBlobStore } from "../../lib/storage/folder-blob-store";
import { submitModelBytes } from "../../lib/submissions/submit-model";
import { createTeam } from "../../lib/teams/create-team";
import { createUser } from "../../lib/users/create-user";
import { createContest } from "../helpers/contest";
import { colourDataset, meanColourManifest, slowEncoder } from "../helpers/onnx-encoders";
import { servedFolderStore } from "../helpers/serve-request-handler";
import { openTestDatabase } from "../helpers/services";

// Two real worker processes (`podium-worker`) on real PostgreSQL: the first is killed with SIGKILL in the middle of a
// model job; its lease expires, the second takes the job over, and the submission is scored exactly once — both for
// long-running workers and for one-job workers (`--submission ID`, as AWS Batch starts them: its retry begins while
// the dead worker's lease still runs).

const RANKS = [1, 2, 3, 4, 6, 8, 11, 1];

describe("a worker killed mid-job", () => {
  let database: Database;
  let store: FolderBlobStore;
  let url = "";
  let dataDir = "";
  let team: Actor;
  const disposers: (() => Promise<void> | void)[] = [];
  const workers: ChildProcess[] = [];
  const logs: Record<string, string> = {};

  beforeAll(async () => {
    const db = await openTestDatabase("postgres");
    database = db.database;
    url = db.url!;
    disposers.push(db.dispose);
    // The workers find the blobs where the embedded defaults keep them: PODIUM_DATA_DIR/blobs.
    dataDir = mkdtempSync(join(tmpdir(), "podium-kill-data-"));
    const served = await servedFolderStore("test-secret", join(dataDir, "blobs"));
    store = served.store;
    disposers.push(served.dispose);
    const { entries } = await colourDataset({ ranks: RANKS, gallery: 200, seed: 11 });
    await createContest(database.prisma, store, { slug: "kill-recover", entries, settings: { submissionKinds: "model" } });
    const user = await createUser(database.prisma, { email: "kill@recover.test", password: "team password 1" });
    team = { userId: user.id, isAdmin: false };
    await createTeam(database.prisma, team, "kill-recover", "Survivors");
  });
  afterAll(async () => {
    for (const worker of workers) worker.kill("SIGKILL");
    for (const dispose of disposers.reverse()) await dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function startWorker(name: string, args: string[] = []): ChildProcess {
    const cacheDir = mkdtempSync(join(tmpdir(), `podium-${name}-cache-`));
    disposers.push(() => rmSync(cacheDir, { recursive: true, force: true }));
    const worker = spawn(process.execPath, [join(process.cwd(), "bin", "podium-worker.mjs"), ...args], {
      env: {
        ...process.env,
        DATABASE_URL: url,
        PODIUM_DATA_DIR: dataDir,
        PODIUM_SECRET: "test-secret",
        PODIUM_WORKER_CACHE_DIR: cacheDir,
        PODIUM_JOB_LEASE_SECONDS: "3",
        PODIUM_EXECUTION_PROVIDERS: "cpu",
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    worker.stderr!.on("data", (chunk: Buffer) => (logs[name] = (logs[name] ?? "") + chunk.toString()));
    workers.push(worker);
    return worker;
  }

  const waitFor = async <T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 90_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const value = await probe();
      if (value) return value;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`timed out waiting for ${what}; worker logs:\n${JSON.stringify(logs, null, 1).slice(-3000)}`);
  };

  const submitSlowModel = async () => {
    const outcome = await submitModelBytes(database, store, team, "kill-recover", { bytes: slowEncoder(3000), fileName: "slow.onnx", manifest: { ...meanColourManifest, batchSize: 1 }, channel: "API" }, { dryRun: { timeoutMs: 60_000, memoryLimitBytes: 1024 ** 3 }, wakeUp: localWakeUp() });
    expect(outcome.kind).toBe("queued");
    return outcome.submissionId;
  };

  /** Kills the worker with SIGKILL once it is embedding images, i.e. truly mid-job; returns the job as it was then. */
  const killMidJob = async (worker: ChildProcess, submissionId: string) => {
    const running = await waitFor("the first worker to embed images", async () => {
      const job = await database.prisma.job.findFirst({ where: { submissionId } });
      const progress = job?.progress as { phase?: string; done?: number } | null;
      return job?.state === "RUNNING" && progress?.phase?.startsWith("embedding") ? job : null;
    });
    expect(running.attempts).toBe(1);
    worker.kill("SIGKILL");
    await new Promise((resolve) => worker.once("exit", resolve));
    return running;
  };

  const expectScoredOnceAfterTakeOver = async (submissionId: string, firstWorkerId: string | null) => {
    const done = await waitFor("the submission to be scored", async () => {
      const submission = await database.prisma.submission.findUniqueOrThrow({ where: { id: submissionId }, include: { jobs: true, scores: true } });
      return submission.status === "SCORED" || submission.status === "FAILED" ? submission : null;
    }, 120_000);
    expect(done.status, done.error ?? "").toBe("SCORED");
    expect(done.jobs).toHaveLength(1);
    expect(done.jobs[0]).toMatchObject({ state: "SUCCEEDED", attempts: 2 });
    expect(done.jobs[0]!.workerId).not.toBe(firstWorkerId);
    expect(done.jobs[0]!.lastError).toMatch(/lease expired: worker .* stopped answering/);
    // Scored once: one score per split, and the quota unit counted once.
    expect(done.scores.map((score) => score.split).sort()).toEqual(["ALL", "PRIVATE", "PUBLIC"]);
    expect(done.countsTowardQuota).toBe(true);
  };

  it("is recovered by a second worker and the submission is scored once", async () => {
    const submissionId = await submitSlowModel();
    const running = await killMidJob(startWorker("first"), submissionId);
    const second = startWorker("second");
    try {
      await expectScoredOnceAfterTakeOver(submissionId, running.workerId);
    } finally {
      // Stopped even when this test fails, so that the next test's jobs go only to the workers it starts.
      second.kill("SIGTERM");
      await new Promise((resolve) => second.once("exit", resolve));
    }
  });

  it("is recovered by a one-job worker started while the dead worker's lease still runs (a Batch retry)", async () => {
    const submissionId = await submitSlowModel();
    const running = await killMidJob(startWorker("batch-first", ["--submission", submissionId]), submissionId);
    const retry = startWorker("batch-retry", ["--submission", submissionId]);
    const exitCode = await new Promise<number | null>((resolve) => retry.once("exit", (code) => resolve(code)));
    expect(exitCode, logs["batch-retry"]).toBe(0);
    expect(logs["batch-retry"]).toMatch(/waiting to take it over/);
    await expectScoredOnceAfterTakeOver(submissionId, running.workerId);
  });
});
