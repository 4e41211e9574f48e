import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../lib/auth/api-tokens";
import { openDatabase, type Database } from "../../lib/db/open-database";
import { routeByPrefix } from "../../lib/storage/routed-blob-store";
import { createTeam } from "../../lib/teams/create-team";
import { createUser } from "../../lib/users/create-user";
import { createContest, publicScoreOf, resultsFor } from "../helpers/contest";
import { HttpSession } from "../helpers/http-session";
import { freePort } from "../helpers/next-server";
import { createPostgresDatabase, createS3Store, s3Settings } from "../helpers/services";

// Issue 16: the web function as it is deployed — the server function `npm run deploy:build` leaves in .open-next/,
// invoked through its Lambda handler with Function URL events (tests/helpers/function-url-host.mjs), against
// PostgreSQL and Ceph RGW with two buckets as on AWS. Before deploy:build copied sharp and onnxruntime's library into
// it, every request answered 500 ("Failed to load external module sharp-…").

const REPO = resolve(__dirname, "../..");
const FUNCTION_DIR = join(REPO, ".open-next", "server-functions", "default");

describe("the built server function, invoked as Lambda", () => {
  const disposers: (() => Promise<void> | void)[] = [];
  let url = "";
  let host: ChildProcess;
  let output = "";
  let database: Database;
  let contest: Awaited<ReturnType<typeof createContest>>;
  let token = "";

  beforeAll(async () => {
    if (!existsSync(join(FUNCTION_DIR, "index.mjs"))) throw new Error(`${FUNCTION_DIR}/index.mjs is missing: run \`npm run deploy:build\` (\`npm test\` does)`);
    const created = await createPostgresDatabase();
    disposers.push(created.drop);
    database = await openDatabase({ database: { kind: "postgres", url: created.url, dataDir: "" }, migrate: true });
    disposers.push(() => database.close());
    const [datasets, submissions] = [await createS3Store(), await createS3Store()];
    disposers.push(datasets.dispose, submissions.dispose);
    const store = routeByPrefix(datasets.store, "submissions/", submissions.store);
    contest = await createContest(database.prisma, store, { slug: "lambda", settings: { leaderboard: "public" } });
    const user = await createUser(database.prisma, { email: "team@lambda.test", password: "lambda team password" });
    await createTeam(database.prisma, { userId: user.id, isAdmin: false }, "lambda", "Lambda team");
    token = (await createApiToken(database.prisma, { userId: user.id, name: "api" })).token;

    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const s3 = s3Settings();
    const work = mkdtempSync(join(tmpdir(), "podium-lambda-"));
    disposers.push(() => rmSync(work, { recursive: true, force: true }));
    // The web function's settings as the stack gives them (infra/lib/app-environment.ts), the secrets as values.
    const env = {
      PATH: process.env.PATH!,
      HOME: work,
      TMPDIR: work,
      NODE_ENV: "production" as const,
      PODIUM_PUBLIC_URL: url,
      DATABASE_URL: created.url,
      PODIUM_SECRET: "lambda-test-secret",
      S3_BUCKET: datasets.bucket,
      S3_SUBMISSIONS_BUCKET: submissions.bucket,
      S3_ENDPOINT: s3.endpoint,
      S3_ACCESS_KEY: s3.accessKeyId,
      S3_SECRET_KEY: s3.secretAccessKey,
      S3_REGION: s3.region,
      PODIUM_WORKER: "off",
      AWS_LAMBDA_FUNCTION_NAME: "podium-server",
    };
    host = spawn(process.execPath, [join(REPO, "tests/helpers/function-url-host.mjs"), FUNCTION_DIR, String(port)], { env, stdio: ["ignore", "pipe", "pipe"] });
    host.stdout!.on("data", (chunk) => (output += chunk));
    host.stderr!.on("data", (chunk) => (output += chunk));
    disposers.push(() => void host.kill("SIGKILL"));
    const deadline = Date.now() + 30_000;
    while (!output.includes(`function url on ${port}`)) {
      if (host.exitCode !== null || Date.now() > deadline) throw new Error(`the function host did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 120_000);
  afterAll(async () => {
    for (const dispose of disposers.reverse()) await dispose();
  });

  it("answers the health check from PostgreSQL and S3", async () => {
    const response = await fetch(`${url}/api/health`);
    expect(response.status, output).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, database: "postgres", storage: "s3" });
  });

  it("signs a participant in and serves the competition page", async () => {
    const session = new HttpSession(url);
    await session.signIn("team@lambda.test", "lambda team password");
    const page = await session.fetch("/c/lambda/team");
    expect(page.status, output).toBe(200);
    expect(await page.text()).toContain("Lambda team");
  });

  it("scores a results file and shows it on the leaderboard", async () => {
    const ranks = [1, 3, 0, 7];
    const response = await fetch(`${url}/api/v1/competitions/lambda/submissions`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(resultsFor(contest.queries, contest.gallery, ranks)),
    });
    const body = (await response.json()) as { submission?: { status: string; scores: { public?: { score: number } } } };
    expect(response.status, JSON.stringify(body) + output).toBe(201);
    expect(body.submission?.status).toBe("scored");
    expect(body.submission?.scores.public?.score).toBeCloseTo(publicScoreOf(contest.competition, contest.queries, ranks), 9);
    const board = (await (await fetch(`${url}/api/v1/competitions/lambda/leaderboard`)).json()) as { rows?: { team: string; score: number }[] };
    expect(JSON.stringify(board)).toContain("Lambda team");
  });

  it("takes a results file over the function URL's 6 MB through presigned parts, and scores it like a posted one", async () => {
    const ranks = [2, 0, 1];
    // 7 MiB: the lists padded with whitespace, still one valid results file.
    const bytes = Buffer.from(JSON.stringify(resultsFor(contest.queries, contest.gallery, ranks)) + " ".repeat(7 * 1024 * 1024));
    const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const posted = await fetch(`${url}/api/v1/competitions/lambda/submissions`, { method: "POST", headers: auth, body: bytes });
    expect(posted.status).toBe(413); // what the function URL answers to a body this size

    const base = `${url}/api/v1/competitions/lambda/submissions/uploads`;
    const started = (await (await fetch(base, { method: "POST", headers: auth, body: JSON.stringify({ fileName: "large.json", size: bytes.length }) })).json()) as { submissionId: string; uploadId: string; partSize: number; partCount: number };
    expect(started.partCount).toBeGreaterThanOrEqual(1);
    const numbers = Array.from({ length: started.partCount }, (_, i) => i + 1);
    const { parts: urls } = (await (await fetch(`${base}/${started.submissionId}/parts`, { method: "POST", headers: auth, body: JSON.stringify({ uploadId: started.uploadId, partNumbers: numbers }) })).json()) as { parts: { partNumber: number; url: string }[] };
    const parts = [];
    for (const { partNumber, url: partUrl } of urls) {
      const put = await fetch(partUrl, { method: "PUT", body: bytes.subarray((partNumber - 1) * started.partSize, partNumber * started.partSize) });
      expect(put.status, await put.clone().text()).toBe(200);
      parts.push({ partNumber, etag: put.headers.get("etag")! });
    }
    // Before completion the entry is received, not counted.
    const before = await database.prisma.submission.findUniqueOrThrow({ where: { id: started.submissionId } });
    expect(before).toMatchObject({ status: "RECEIVED", countsTowardQuota: false });
    const completed = await fetch(`${base}/${started.submissionId}/complete`, { method: "POST", headers: auth, body: JSON.stringify({ uploadId: started.uploadId, parts }) });
    const body = (await completed.json()) as { submission?: { status: string; size: number; scores: { public?: { score: number } } } };
    expect(completed.status, JSON.stringify(body)).toBe(201);
    expect(body.submission?.status).toBe("scored");
    expect(body.submission?.scores.public?.score).toBeCloseTo(publicScoreOf(contest.competition, contest.queries, ranks), 9);
    const after = await database.prisma.submission.findUniqueOrThrow({ where: { id: started.submissionId } });
    expect(after).toMatchObject({ status: "SCORED", countsTowardQuota: true, sizeBytes: BigInt(bytes.length) });
    expect(await database.prisma.job.findFirst({ where: { submissionId: started.submissionId, state: "QUEUED" } })).toBeNull();
    // A second completion of the same upload is refused, not counted twice.
    const again = await fetch(`${base}/${started.submissionId}/complete`, { method: "POST", headers: auth, body: JSON.stringify({ uploadId: started.uploadId, parts }) });
    expect(again.status).toBe(409);
  });
});
