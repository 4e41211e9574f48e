import { createHash, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../lib/db/open-database";
import { claimNextJob, failJob, heartbeatJob, sweepExpiredLeases } from "../../lib/queue/jobs";
import { claimAnnouncedJob, runOneJob, sweepAndAnnounce } from "../../lib/queue/run-jobs";
import type { JobNotice, JobWakeUp } from "../../lib/queue/wake-up";
import { finishQueuedSubmission } from "../../lib/submissions/submit-results";
import type { FolderBlobStore } from "../../lib/storage/folder-blob-store";
import { createTeam } from "../../lib/teams/create-team";
import { createUser } from "../../lib/users/create-user";
import { createContest, resultsFor } from "../helpers/contest";
import { databaseAndStore } from "../helpers/test-world";
import { DATABASE_KINDS } from "../helpers/services";

describe.each(DATABASE_KINDS)("the job queue on %s", (kind) => {
  let database: Database;
  let store: FolderBlobStore;
  const disposers: (() => Promise<void>)[] = [];
  let contest: Awaited<ReturnType<typeof createContest>>;
  let otherCompetitionId = "";
  let teamId = "";

  beforeAll(async () => {
    ({ database, store } = await databaseAndStore(kind, disposers));
    contest = await createContest(database.prisma, store, { slug: `queue-${kind}` });
    otherCompetitionId = (await createContest(database.prisma, store, { slug: `queue-other-${kind}`, queries: 4 })).competition.id;
    const user = await createUser(database.prisma, { email: `q-${kind}@queue.test`, password: "team password 1" });
    teamId = (await createTeam(database.prisma, { userId: user.id, isAdmin: false }, contest.competition.slug, "Queue Team")).id;
  });
  afterAll(async () => {
    for (const dispose of disposers.reverse()) await dispose();
  });

  const addJob = async (competitionId: string, options: { maxAttempts?: number; submissionId?: string } = {}) => {
    const job = await database.prisma.job.create({ data: { kind: "SCORE_MODEL", competitionId, maxAttempts: options.maxAttempts ?? 3, submissionId: options.submissionId } });
    await new Promise((resolve) => setTimeout(resolve, 5)); // distinct creation times
    return job.id;
  };
  const clearJobs = () => database.prisma.job.deleteMany({});

  it("ends uploads nobody completed a day after they started, saying so, and leaves younger ones", async () => {
    // A model upload and a dataset upload whose clients never came back (a closed tab), and two started just now.
    const dayAgo = new Date(Date.now() - 25 * 60 * 60 * 1000);
    const modelRow = (id: string, createdAt: Date) => ({ id, competitionId: contest.competition.id, teamId, kind: "MODEL" as const, channel: "WEB" as const, status: "RECEIVED" as const, storageKey: `submissions/x/${id}.onnx`, sha256: "", sizeBytes: 10n, countsTowardQuota: false, quotaDay: "2026-12-03", createdAt });
    const stale = randomUUID();
    const fresh = randomUUID();
    await database.prisma.submission.createMany({ data: [modelRow(stale, dayAgo), modelRow(fresh, new Date())] });
    const lastNumber = (await database.prisma.datasetVersion.findFirst({ where: { competitionId: contest.competition.id }, orderBy: { number: "desc" } }))!.number;
    const staleVersion = await database.prisma.datasetVersion.create({ data: { competitionId: contest.competition.id, number: lastNumber + 1, archiveKey: "datasets/x/stale.zip", createdAt: dayAgo } });
    const freshVersion = await database.prisma.datasetVersion.create({ data: { competitionId: contest.competition.id, number: lastNumber + 2, archiveKey: "datasets/x/fresh.zip" } });

    const lines: string[] = [];
    await sweepAndAnnounce({ sql: database.sql, log: (line) => lines.push(line) });
    expect(lines).toContain("ended 1 model and 1 dataset upload(s) nobody completed");
    expect(await database.prisma.submission.findUniqueOrThrow({ where: { id: stale } })).toMatchObject({ status: "CANCELLED", countsTowardQuota: false, error: "the upload was not completed within 24 hours of its start; nothing was counted — upload the file again" });
    expect((await database.prisma.submission.findUniqueOrThrow({ where: { id: fresh } })).status).toBe("RECEIVED");
    expect(await database.prisma.datasetVersion.findUniqueOrThrow({ where: { id: staleVersion.id } })).toMatchObject({ status: "REJECTED", error: "the archive's upload was not completed within 24 hours of its start; upload it again" });
    expect((await database.prisma.datasetVersion.findUniqueOrThrow({ where: { id: freshVersion.id } })).status).toBe("UPLOADING");
    await database.prisma.submission.deleteMany({ where: { id: { in: [stale, fresh] } } });
    await database.prisma.datasetVersion.deleteMany({ where: { id: { in: [staleVersion.id, freshVersion.id] } } });
  });

  it("claims each job once, under a lease, and none when nothing is due", async () => {
    await clearJobs();
    const a = await addJob(contest.competition.id);
    const b = await addJob(contest.competition.id);
    const first = await claimNextJob(database.sql, { workerId: "w1", kinds: ["SCORE_MODEL"], leaseSeconds: 30 });
    const second = await claimNextJob(database.sql, { workerId: "w2", kinds: ["SCORE_MODEL"], leaseSeconds: 30 });
    expect([first?.id, second?.id]).toEqual([a, b]);
    expect(first?.attempts).toBe(1);
    expect(await claimNextJob(database.sql, { workerId: "w3", kinds: ["SCORE_MODEL"], leaseSeconds: 30 })).toBeNull();
    expect(await claimNextJob(database.sql, { workerId: "w3", kinds: ["SCORE_RESULTS"], leaseSeconds: 30 })).toBeNull();
  });

  it("serves a competition with nothing running before a busy one, not first-in-first-out", async () => {
    await clearJobs();
    for (let i = 0; i < 4; i++) await addJob(contest.competition.id);
    const late = await addJob(otherCompetitionId);
    const first = await claimNextJob(database.sql, { workerId: "w1", kinds: ["SCORE_MODEL"], leaseSeconds: 30 });
    const second = await claimNextJob(database.sql, { workerId: "w2", kinds: ["SCORE_MODEL"], leaseSeconds: 30 });
    expect(first?.competitionId).toBe(contest.competition.id);
    expect(second?.id).toBe(late);
  });

  if (kind === "postgres") {
    it("never hands one job to two concurrent claimers (SKIP LOCKED)", async () => {
      await clearJobs();
      const ids = [];
      for (let i = 0; i < 20; i++) ids.push((await database.prisma.job.create({ data: { kind: "SCORE_MODEL", competitionId: contest.competition.id } })).id);
      const claimed: string[] = [];
      await Promise.all(
        Array.from({ length: 5 }, async (_, worker) => {
          for (;;) {
            const job = await claimNextJob(database.sql, { workerId: `w${worker}`, kinds: ["SCORE_MODEL"], leaseSeconds: 30 });
            if (!job) return;
            claimed.push(job.id);
          }
        }),
      );
      expect(claimed.sort()).toEqual(ids.sort());
    });
  }

  it("re-queues a job whose worker stopped answering; the old worker has lost it", async () => {
    await clearJobs();
    const id = await addJob(contest.competition.id);
    await claimNextJob(database.sql, { workerId: "dead", kinds: ["SCORE_MODEL"], leaseSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await sweepExpiredLeases(database.sql)).toEqual({ requeued: 1, failed: 0, requeuedJobs: [{ kind: "SCORE_MODEL", jobId: id, submissionId: null, competitionId: contest.competition.id }] });
    const again = await claimNextJob(database.sql, { workerId: "alive", kinds: ["SCORE_MODEL"], leaseSeconds: 30 });
    expect(again).toMatchObject({ id, attempts: 2 });
    expect(await heartbeatJob(database.sql, id, "dead", 30)).toBe(false);
    expect(await heartbeatJob(database.sql, id, "alive", 30)).toBe(true);
  });

  const addModelSubmission = () =>
    database.prisma.submission.create({
      data: { competitionId: contest.competition.id, teamId, kind: "MODEL", channel: "API", status: "QUEUED", storageKey: "x", sha256: "0".repeat(64), sizeBytes: 1n, quotaDay: "2026-11-26", countsTowardQuota: true },
    });

  it("a one-job worker started while a dead worker's lease runs waits for it and takes the job over", async () => {
    await clearJobs();
    const submission = await addModelSubmission();
    const id = await addJob(contest.competition.id, { submissionId: submission.id });
    await claimNextJob(database.sql, { workerId: "dead", kinds: ["SCORE_MODEL"], leaseSeconds: 2 });
    const lines: string[] = [];
    const job = await claimAnnouncedJob({ sql: database.sql, workerId: "retry", target: { submissionId: submission.id }, leaseSeconds: 30, pollMilliseconds: 200, log: (line) => lines.push(line) });
    expect(job).toMatchObject({ id, attempts: 2 });
    expect(lines.some((line) => /held by dead until .*waiting to take it over/.test(line))).toBe(true);
    expect(await heartbeatJob(database.sql, id, "dead", 30)).toBe(false);
  });

  it("a one-job worker leaves a job whose holder is alive (its heartbeat moves)", async () => {
    await clearJobs();
    const submission = await addModelSubmission();
    const id = await addJob(contest.competition.id, { submissionId: submission.id });
    await claimNextJob(database.sql, { workerId: "alive", kinds: ["SCORE_MODEL"], leaseSeconds: 30 });
    const beat = setTimeout(() => void heartbeatJob(database.sql, id, "alive", 30), 600);
    const started = Date.now();
    const job = await claimAnnouncedJob({ sql: database.sql, workerId: "duplicate", target: { jobId: id }, leaseSeconds: 30, pollMilliseconds: 200 });
    clearTimeout(beat);
    expect(job).toBeNull();
    expect(Date.now() - started).toBeLessThan(10_000); // left at the heartbeat, not after waiting out the lease
    expect(await database.prisma.job.findUniqueOrThrow({ where: { id } })).toMatchObject({ state: "RUNNING", workerId: "alive" });
  });

  it("announces jobs the sweeper re-queued where the wake-up starts compute (SQS), except the caller's own", async () => {
    await clearJobs();
    const mine = await addModelSubmission();
    const other = await addModelSubmission();
    const mineJob = await addJob(contest.competition.id, { submissionId: mine.id });
    const otherJob = await addJob(contest.competition.id, { submissionId: other.id });
    await claimNextJob(database.sql, { workerId: "dead", kinds: ["SCORE_MODEL"], leaseSeconds: 1 });
    await claimNextJob(database.sql, { workerId: "dead", kinds: ["SCORE_MODEL"], leaseSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // A port double that records notices: the SQS adapter's requests are tested against their contract in wake-up.test.ts.
    const notices: JobNotice[] = [];
    const sqsLike: JobWakeUp = { kind: "sqs", notify: async (notice) => void notices.push(notice) };
    await sweepAndAnnounce({ sql: database.sql, wakeUp: sqsLike }, { submissionId: mine.id });
    expect(notices).toEqual([{ kind: "SCORE_MODEL", jobId: otherJob, submissionId: other.id, competitionId: contest.competition.id }]);
    const states = await database.prisma.job.findMany({ where: { id: { in: [mineJob, otherJob] } }, select: { state: true } });
    expect(states.map((job) => job.state)).toEqual(["QUEUED", "QUEUED"]);
  });

  it("fails a job after its last attempt and refunds the submission's quota unit", async () => {
    await clearJobs();
    const submission = await database.prisma.submission.create({
      data: { competitionId: contest.competition.id, teamId, kind: "MODEL", channel: "API", status: "QUEUED", storageKey: "x", sha256: "0".repeat(64), sizeBytes: 1n, quotaDay: "2026-11-26", countsTowardQuota: true },
    });
    const id = await addJob(contest.competition.id, { maxAttempts: 2, submissionId: submission.id });
    await claimNextJob(database.sql, { workerId: "w", kinds: ["SCORE_MODEL"], leaseSeconds: 30 });
    expect(await failJob(database.sql, id, "w", "out of memory")).toBe("retrying");
    await database.prisma.job.update({ where: { id }, data: { runAfter: new Date(0) } });
    await claimNextJob(database.sql, { workerId: "w", kinds: ["SCORE_MODEL"], leaseSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await sweepExpiredLeases(database.sql)).toEqual({ requeued: 0, failed: 1, requeuedJobs: [] });
    const job = await database.prisma.job.findUniqueOrThrow({ where: { id } });
    expect(job.state).toBe("FAILED");
    const after = await database.prisma.submission.findUniqueOrThrow({ where: { id: submission.id } });
    expect(after).toMatchObject({ status: "FAILED", countsTowardQuota: false });
    expect(after.error).toMatch(/not counted toward your quota/);
  });

  it("finishes a queued results submission from its stored bytes", async () => {
    await clearJobs();
    const bytes = Buffer.from(JSON.stringify(resultsFor(contest.queries, contest.gallery, [1, 3, 8, 0])));
    const id = randomUUID();
    const storageKey = `submissions/${contest.competition.id}/${teamId}/${id}.json`;
    await store.put(storageKey, bytes);
    await database.prisma.submission.create({
      data: { id, competitionId: contest.competition.id, teamId, datasetVersionId: contest.competition.activeDatasetVersionId ?? (await database.prisma.competition.findUniqueOrThrow({ where: { id: contest.competition.id } })).activeDatasetVersionId, kind: "RESULTS", channel: "API", status: "QUEUED", storageKey, sha256: createHash("sha256").update(bytes).digest("hex"), sizeBytes: BigInt(bytes.length), quotaDay: "2026-11-26", countsTowardQuota: false },
    });
    await database.prisma.job.create({ data: { kind: "SCORE_RESULTS", competitionId: contest.competition.id, teamId, submissionId: id } });
    const ran = await runOneJob({ sql: database.sql, workerId: "w", handlers: { SCORE_RESULTS: async (job) => void (await finishQueuedSubmission(database, store, job.submissionId!)) } });
    expect(ran).toBe(true);
    const scored = await database.prisma.submission.findUniqueOrThrow({ where: { id }, include: { scores: true } });
    expect(scored.status).toBe("SCORED");
    expect(scored.countsTowardQuota).toBe(true);
    expect(scored.scores.find((score) => score.split === "ALL")?.score).toBe(375);
    expect((await database.prisma.job.findFirstOrThrow({ where: { submissionId: id } })).state).toBe("SUCCEEDED");
  });
});
