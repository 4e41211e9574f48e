import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../lib/db/open-database";
import { QUEUE_PASS_BUNDLE_DIR } from "../../infra/lib/constructs/queue-pass";
import { createTeam } from "../../lib/teams/create-team";
import { createUser } from "../../lib/users/create-user";
import { createContest } from "../helpers/contest";
import { servedFolderStore } from "../helpers/serve-request-handler";
import { openTestDatabase } from "../helpers/services";
import { startSqsStandIn, type SqsStandIn } from "../helpers/sqs-stand-in";

// The queue pass as AWS runs it: the Lambda bundle that scripts/prepare.mjs builds, invoked in a fresh Node process
// with only the environment the stack gives it, against real PostgreSQL. SQS is the local stand-in (request contract).

const run = promisify(execFile);
const BUNDLE = join(QUEUE_PASS_BUNDLE_DIR, "index.mjs");
const INVOKE = `const { handler } = await import(process.argv[1]); console.log("RESULT " + JSON.stringify(await handler()));`;

describe("the queue pass Lambda bundle", () => {
  let database: Database;
  let url = "";
  let sqs: SqsStandIn;
  let competitionId = "";
  let teamId = "";
  const disposers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`node scripts/prepare.mjs\``);
    const opened = await openTestDatabase("postgres");
    disposers.push(opened.dispose);
    database = opened.database;
    url = opened.url!;
    const served = await servedFolderStore();
    disposers.push(served.dispose);
    const contest = await createContest(database.prisma, served.store, { slug: "queue-pass", queries: 4 });
    competitionId = contest.competition.id;
    const user = await createUser(database.prisma, { email: "queue-pass@queue.test", password: "team password 1" });
    teamId = (await createTeam(database.prisma, { userId: user.id, isAdmin: false }, contest.competition.slug, "Queue Pass Team")).id;
    sqs = await startSqsStandIn();
    disposers.push(sqs.close);
  });
  afterAll(async () => {
    for (const dispose of disposers.reverse()) await dispose();
  });

  const invoke = (environment: Record<string, string>) =>
    run(process.execPath, ["--input-type=module", "-e", INVOKE, BUNDLE], {
      // Only what the stack sets (plus PATH and the stand-in's endpoint): nothing leaks in from the test process.
      env: { NODE_ENV: "production", PATH: process.env.PATH ?? "", AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "AKIDPODIUMTEST", AWS_SECRET_ACCESS_KEY: "podium-test-secret", AWS_ENDPOINT_URL_SQS: sqs.endpoint, ...environment },
      timeout: 60_000,
    });

  it("re-queues a dead worker's job, and announces it and a job whose announcement was lost", async () => {
    const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
    const submission = () =>
      database.prisma.submission.create({
        data: { competitionId, teamId, kind: "MODEL", channel: "API", status: "QUEUED", storageKey: "x", sha256: "0".repeat(64), sizeBytes: 1n, quotaDay: "2026-11-27" },
      });
    const [a, b, c] = [await submission(), await submission(), await submission()];
    const lost = await database.prisma.job.create({ data: { kind: "SCORE_MODEL", competitionId, submissionId: a.id, createdAt: minutesAgo(10), runAfter: minutesAgo(10) } });
    const orphaned = await database.prisma.job.create({
      data: { kind: "SCORE_MODEL", competitionId, submissionId: b.id, state: "RUNNING", attempts: 1, workerId: "dead", leaseExpiresAt: minutesAgo(1), createdAt: minutesAgo(20), announcedAt: minutesAgo(20) },
    });
    const fresh = await database.prisma.job.create({ data: { kind: "SCORE_MODEL", competitionId, submissionId: c.id } });
    const queueUrl = `${sqs.endpoint}/123456789012/podium-jobs`;
    const { stdout } = await invoke({ DATABASE_URL: url, PODIUM_QUEUE: "sqs", PODIUM_SQS_QUEUE_URL: queueUrl, PODIUM_SQS_TASK_QUEUE_URL: `${sqs.endpoint}/123456789012/podium-tasks`, PODIUM_WORKER: "off" });
    const result = JSON.parse(/^RESULT (.*)$/m.exec(stdout)![1]!) as unknown;
    expect(result).toEqual({ requeued: 1, failed: 0, announced: 1, announceFailed: 0 });
    expect(sqs.sentBodies()).toEqual(
      expect.arrayContaining([
        { kind: "SCORE_MODEL", jobId: orphaned.id, submissionId: b.id, competitionId },
        { kind: "SCORE_MODEL", jobId: lost.id, submissionId: a.id, competitionId },
      ]),
    );
    expect(sqs.sentBodies()).toHaveLength(2);
    expect(sqs.requests.every((request) => /Credential=AKIDPODIUMTEST\/\d{8}\/us-east-1\/sqs\/aws4_request/.test(String(request.headers.authorization)))).toBe(true);
    const jobs = await database.prisma.job.findMany({ where: { id: { in: [lost.id, orphaned.id, fresh.id] } } });
    const byId = new Map(jobs.map((job) => [job.id, job]));
    expect(byId.get(orphaned.id)).toMatchObject({ state: "QUEUED", workerId: null });
    expect(byId.get(orphaned.id)!.announcedAt!.getTime()).toBeGreaterThan(minutesAgo(1).getTime());
    expect(byId.get(lost.id)!.announcedAt).not.toBeNull();
    expect(byId.get(fresh.id)!.announcedAt).toBeNull(); // within the grace period: its own request sends it
  });

  it("refuses to run without an SQS queue, naming the settings", async () => {
    await expect(invoke({ DATABASE_URL: url })).rejects.toMatchObject({ stderr: expect.stringMatching(/set PODIUM_QUEUE=sqs, PODIUM_SQS_QUEUE_URL and PODIUM_SQS_TASK_QUEUE_URL/) });
  });
});
