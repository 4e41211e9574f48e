import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../lib/db/open-database";
import { announceJob, announceWaitingJobs } from "../../lib/queue/announce-jobs";
import { claimNextJob, sweepExpiredLeases } from "../../lib/queue/jobs";
import { maintainQueue } from "../../lib/queue/run-jobs";
import { localWakeUp, type JobNotice, type JobWakeUp } from "../../lib/queue/wake-up";
import { createTeam } from "../../lib/teams/create-team";
import { createUser } from "../../lib/users/create-user";
import { createContest } from "../helpers/contest";
import { DATABASE_KINDS } from "../helpers/services";
import { databaseAndStore } from "../helpers/test-world";

// Where wake-ups start compute (SQS → Batch) nothing polls the jobs table: every announcement is recorded, and the
// scheduled pass announces what still waits. A port double records the notices (and can refuse them); the SQS
// adapter's requests are tested against their contract in wake-up.test.ts and queue-pass.test.ts.

function recordingSqs(): JobWakeUp & { notices: JobNotice[]; refuse: boolean } {
  const wakeUp = {
    kind: "sqs" as const,
    notices: [] as JobNotice[],
    refuse: false,
    async notify(notice: JobNotice) {
      if (wakeUp.refuse) throw new Error("SQS is unreachable");
      wakeUp.notices.push(notice);
    },
  };
  return wakeUp;
}

describe.each(DATABASE_KINDS)("announcing jobs on %s", (kind) => {
  let database: Database;
  const disposers: (() => Promise<void> | void)[] = [];
  let competitionId = "";
  let teamId = "";

  beforeAll(async () => {
    const world = await databaseAndStore(kind, disposers);
    database = world.database;
    const contest = await createContest(database.prisma, world.store, { slug: `announce-${kind}`, queries: 4 });
    competitionId = contest.competition.id;
    const user = await createUser(database.prisma, { email: `announce-${kind}@queue.test`, password: "team password 1" });
    teamId = (await createTeam(database.prisma, { userId: user.id, isAdmin: false }, contest.competition.slug, "Announce Team")).id;
  });
  afterAll(async () => {
    for (const dispose of disposers.reverse()) await dispose();
  });
  beforeEach(async () => {
    await database.prisma.job.deleteMany({});
  });

  const idsToSubmissions = new Map<string, string | null>();
  /** A queued job of a new submission, created `ageSeconds` ago, last announced `announcedSecondsAgo` ago (null: never). */
  const addJob = async (
    ageSeconds: number,
    announcedSecondsAgo: number | null = null,
    data: { state?: "QUEUED" | "RUNNING" | "SUCCEEDED"; runAfter?: Date; kind?: "SCORE_MODEL" | "SCORE_RESULTS" | "VALIDATE_DATASET" } = {},
  ) => {
    const now = Date.now();
    const kind = data.kind ?? "SCORE_MODEL";
    const submission =
      kind === "VALIDATE_DATASET"
        ? null
        : await database.prisma.submission.create({
            data: { competitionId, teamId, kind: kind === "SCORE_MODEL" ? "MODEL" : "RESULTS", channel: "API", status: "QUEUED", storageKey: "x", sha256: "0".repeat(64), sizeBytes: 1n, quotaDay: "2026-11-27" },
          });
    const job = await database.prisma.job.create({
      data: {
        kind,
        competitionId,
        submissionId: submission?.id,
        state: data.state ?? "QUEUED",
        createdAt: new Date(now - ageSeconds * 1000),
        runAfter: data.runAfter ?? new Date(now - ageSeconds * 1000),
        announcedAt: announcedSecondsAgo === null ? null : new Date(now - announcedSecondsAgo * 1000),
      },
    });
    idsToSubmissions.set(job.id, submission?.id ?? null);
    return job.id;
  };
  const announcedAt = async (id: string) => (await database.prisma.job.findUniqueOrThrow({ where: { id } })).announcedAt;
  const noticeFor = (jobId: string, kind: JobNotice["kind"] = "SCORE_MODEL"): JobNotice => ({ kind, jobId, submissionId: idsToSubmissions.get(jobId) ?? null, competitionId });

  it("records a sent announcement where it starts compute, and only there", async () => {
    const id = await addJob(0);
    expect(await announceJob(database.sql, localWakeUp(), noticeFor(id))).toBe(true);
    expect(await announcedAt(id)).toBeNull(); // local workers poll: nothing to record
    const sqs = recordingSqs();
    expect(await announceJob(database.sql, sqs, noticeFor(id))).toBe(true);
    expect(sqs.notices).toEqual([noticeFor(id)]);
    expect(Date.now() - (await announcedAt(id))!.getTime()).toBeLessThan(60_000);
  });

  it("does not throw when the send fails, and leaves the job unannounced", async () => {
    const id = await addJob(0);
    const sqs = recordingSqs();
    sqs.refuse = true;
    const lines: string[] = [];
    expect(await announceJob(database.sql, sqs, noticeFor(id), (line) => lines.push(line))).toBe(false);
    expect(await announcedAt(id)).toBeNull();
    expect(lines.join("\n")).toMatch(new RegExp(`could not announce job ${id}: SQS is unreachable`));
  });

  it("announces what waits unannounced past the grace period or announced long ago, once per pass", async () => {
    const neverAnnounced = await addJob(600);
    const announcedLongAgo = await addJob(7200, 4000);
    const resultsFallback = await addJob(600, null, { kind: "SCORE_RESULTS" }); // scoring could not finish in its request
    const validation = await addJob(7200, null, { kind: "VALIDATE_DATASET" }); // runs on a CPU task, by job id
    await addJob(30); // its own request may still be sending it
    await addJob(7200, 600); // announced recently: Batch may still be scaling up for it
    await addJob(7200, null, { state: "RUNNING" });
    await addJob(7200, null, { state: "SUCCEEDED" });
    await addJob(7200, null, { runAfter: new Date(Date.now() + 600_000) }); // backing off before a retry
    const sqs = recordingSqs();
    expect(await announceWaitingJobs(database.sql, sqs, { graceSeconds: 120, againAfterSeconds: 3600 })).toEqual({ announced: 4, failed: 0 });
    expect(sqs.notices).toEqual(
      expect.arrayContaining([noticeFor(neverAnnounced), noticeFor(announcedLongAgo), noticeFor(resultsFallback, "SCORE_RESULTS"), noticeFor(validation, "VALIDATE_DATASET")]),
    );
    expect(sqs.notices).toHaveLength(4);
    expect(await announcedAt(neverAnnounced)).not.toBeNull();
    // The stamp taken before sending keeps the next pass from sending them again.
    expect(await announceWaitingJobs(database.sql, sqs, { graceSeconds: 120, againAfterSeconds: 3600 })).toEqual({ announced: 0, failed: 0 });
    expect(sqs.notices).toHaveLength(4);
    expect(await announceWaitingJobs(database.sql, localWakeUp())).toEqual({ announced: 0, failed: 0 });
  });

  it("leaves a job whose send failed unannounced, so the next pass sends it", async () => {
    const id = await addJob(600, 5000);
    const sqs = recordingSqs();
    sqs.refuse = true;
    expect(await announceWaitingJobs(database.sql, sqs)).toEqual({ announced: 0, failed: 1 });
    expect(await announcedAt(id)).toBeNull();
    sqs.refuse = false;
    expect(await announceWaitingJobs(database.sql, sqs)).toEqual({ announced: 1, failed: 0 });
    expect(sqs.notices).toEqual([noticeFor(id)]);
  });

  it("a sweep marks a re-queued job unannounced; the scheduled pass re-queues it and announces it", async () => {
    const id = await addJob(600, 500);
    await claimNextJob(database.sql, { workerId: "dead", kinds: ["SCORE_MODEL"], leaseSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const sqs = recordingSqs();
    sqs.refuse = true; // the sweep's own announcement is lost…
    expect(await maintainQueue({ sql: database.sql, wakeUp: sqs })).toEqual({ requeued: 1, failed: 0, announced: 0, announceFailed: 1 });
    expect(await announcedAt(id)).toBeNull();
    sqs.refuse = false; // …and the next pass sends it
    expect(await maintainQueue({ sql: database.sql, wakeUp: sqs })).toEqual({ requeued: 0, failed: 0, announced: 1, announceFailed: 0 });
    expect(sqs.notices).toEqual([noticeFor(id)]);
    expect(await sweepExpiredLeases(database.sql)).toMatchObject({ requeued: 0 });
  });
});
