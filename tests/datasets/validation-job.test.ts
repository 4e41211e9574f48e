import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../lib/db/open-database";
import { startDatasetValidation } from "../../lib/datasets/dataset-versions";
import { claimNextJob, sweepExpiredLeases } from "../../lib/queue/jobs";
import type { JobNotice, JobWakeUp } from "../../lib/queue/wake-up";
import type { FolderBlobStore } from "../../lib/storage/folder-blob-store";
import { tarArchive, validDatasetEntries } from "../helpers/archives";
import { createContest } from "../helpers/contest";
import { servedFolderStore } from "../helpers/serve-request-handler";
import { openTestDatabase } from "../helpers/services";
import { uploadDatasetArchive } from "../helpers/upload";

// On AWS a dataset upload is validated by a CPU task, not by the web function (which stops working once it has
// answered): the completed upload's VALIDATE_DATASET job is announced, and `podium-worker --job ID` (the Fargate Batch
// job's command) validates it. Real PostgreSQL, a real worker process, the folder store the worker shares.

const run = promisify(execFile);

describe("dataset validation as a job (AWS)", () => {
  let database: Database;
  let store: FolderBlobStore;
  let url = "";
  let dataDir = "";
  let slug = "";
  let organizer: Awaited<ReturnType<typeof createContest>>["organizer"];
  const disposers: (() => Promise<void> | void)[] = [];

  beforeAll(async () => {
    const db = await openTestDatabase("postgres");
    database = db.database;
    url = db.url!;
    disposers.push(db.dispose);
    dataDir = mkdtempSync(join(tmpdir(), "podium-validation-job-"));
    disposers.push(() => rmSync(dataDir, { recursive: true, force: true }));
    // The worker finds the blobs where the embedded defaults keep them: PODIUM_DATA_DIR/blobs.
    const served = await servedFolderStore("test-secret", join(dataDir, "blobs"));
    store = served.store;
    disposers.push(served.dispose);
    const contest = await createContest(database.prisma, store, { slug: "validation-job", queries: 4 });
    slug = contest.competition.slug;
    organizer = contest.organizer;
  });
  afterAll(async () => {
    for (const dispose of disposers.reverse()) await dispose();
  });

  const recordingSqs = (): JobWakeUp & { notices: JobNotice[] } => {
    const notices: JobNotice[] = [];
    return { kind: "sqs", notices, notify: async (notice) => void notices.push(notice) };
  };
  const runWorker = (args: string[]) =>
    run(process.execPath, [join(process.cwd(), "bin", "podium-worker.mjs"), ...args], {
      env: { ...process.env, DATABASE_URL: url, PODIUM_DATA_DIR: dataDir, PODIUM_SECRET: "test-secret", PODIUM_WORKER_CACHE_DIR: join(dataDir, "cache"), PODIUM_EXECUTION_PROVIDERS: "cpu" },
      timeout: 90_000,
    });
  const upload = async (fileName: string, bytes: Buffer) => (await uploadDatasetArchive(database.prisma, store, organizer, slug, fileName, bytes)).versionId;

  it("announces the upload's validation instead of running it, and `podium-worker --job` validates it", async () => {
    const versionId = await upload("second.tar.gz", await tarArchive(await validDatasetEntries(6), true));
    const sqs = recordingSqs();
    await startDatasetValidation(database, store, versionId, sqs);
    const job = await database.prisma.job.findFirstOrThrow({ where: { datasetVersionId: versionId, kind: "VALIDATE_DATASET" } });
    expect(sqs.notices).toEqual([{ kind: "VALIDATE_DATASET", jobId: job.id, submissionId: null, competitionId: job.competitionId }]);
    expect(job.state).toBe("QUEUED");
    expect(job.announcedAt).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await database.prisma.datasetVersion.findUniqueOrThrow({ where: { id: versionId } })).status).toBe("VALIDATING"); // nothing ran here

    const { stderr } = await runWorker(["--job", job.id]);
    expect(stderr).toMatch(new RegExp(`job ${job.id} ended SUCCEEDED`));
    const version = await database.prisma.datasetVersion.findUniqueOrThrow({ where: { id: versionId } });
    expect(version).toMatchObject({ status: "READY", queryCount: 6 });
    expect(version.bundleKey).not.toBeNull();
    expect(await store.head(version.truthKey!)).not.toBeNull();
    // Started again for the same job (a duplicate announcement), it finds nothing waiting and exits 0.
    expect((await runWorker(["--job", job.id])).stderr).toMatch(/is not waiting/);
  });

  it("a validation whose every worker died ends REJECTED with the reason, never stuck VALIDATING", async () => {
    const versionId = await upload("third.tar.gz", await tarArchive(await validDatasetEntries(4), true));
    const job = await database.prisma.job.findFirstOrThrow({ where: { datasetVersionId: versionId, kind: "VALIDATE_DATASET" } });
    await database.prisma.job.update({ where: { id: job.id }, data: { maxAttempts: 1 } });
    await claimNextJob(database.sql, { workerId: "dead", kinds: ["VALIDATE_DATASET"], leaseSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await sweepExpiredLeases(database.sql)).toMatchObject({ failed: 1 });
    const version = await database.prisma.datasetVersion.findUniqueOrThrow({ where: { id: versionId } });
    expect(version.status).toBe("REJECTED");
    expect(version.error).toMatch(/validation stopped: its worker \(dead\) stopped answering 1 times; upload the archive again/);
  });

  it("retries a validation that failed through a fault, and after its last attempt rejects the version with the reason", async () => {
    const versionId = await upload("fourth.tar.gz", await tarArchive(await validDatasetEntries(4), true));
    const job = await database.prisma.job.findFirstOrThrow({ where: { datasetVersionId: versionId, kind: "VALIDATE_DATASET" } });
    await database.prisma.job.update({ where: { id: job.id }, data: { maxAttempts: 2 } });
    const version = await database.prisma.datasetVersion.findUniqueOrThrow({ where: { id: versionId } });
    await store.delete(version.archiveKey); // what a storage fault looks like to the worker
    // First attempt: left for another one (exit 1, so Batch starts the worker again); the version still validates.
    await expect(runWorker(["--job", job.id])).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/attempt 1 failed, retrying: .*archive of dataset version \d+ is missing/) });
    expect((await database.prisma.datasetVersion.findUniqueOrThrow({ where: { id: versionId } })).status).toBe("VALIDATING");
    // Last attempt: the job ends FAILED and the organizer sees why.
    const { stderr } = await runWorker(["--job", job.id]);
    expect(stderr).toMatch(new RegExp(`job ${job.id} ended FAILED`));
    const rejected = await database.prisma.datasetVersion.findUniqueOrThrow({ where: { id: versionId } });
    expect(rejected.status).toBe("REJECTED");
    expect(rejected.error).toMatch(/validation stopped: .*archive of dataset version \d+ is missing.*; upload the archive again/);
  });

  it("refuses --job together with --submission", async () => {
    await expect(runWorker(["--job", "a", "--submission", "b"])).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/give one/) });
  });
});
