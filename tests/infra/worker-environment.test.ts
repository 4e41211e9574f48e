import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KNOWN_ENVIRONMENT_VARIABLES, readSettings } from "../../lib/config/env";
import { openDatabase, type Database } from "../../lib/db/open-database";
import { createBlobStore } from "../../lib/storage/create-blob-store";
import { competitionCreateSchema } from "../../lib/competitions/competition-settings";
import { createCompetition } from "../../lib/competitions/manage-competitions";
import { createUser } from "../../lib/users/create-user";
import { WORKER_OVERHEAD_MIB } from "../../infra/lib/constructs/gpu-workers";
import { tarArchive, validDatasetEntries } from "../helpers/archives";
import { startSecretsManagerStandIn, type SecretsManagerStandIn } from "../helpers/secrets-manager-stand-in";
import { createPostgresDatabase, createS3Store, s3Settings } from "../helpers/services";
import { startSqsStandIn, type SqsStandIn } from "../helpers/sqs-stand-in";
import { uploadDatasetArchive } from "../helpers/upload";
import { createContest } from "../helpers/contest";
import { colourDataset, expectedScore, meanColourEncoder, meanColourManifest } from "../helpers/onnx-encoders";
import { localWakeUp } from "../../lib/queue/wake-up";
import { submitModelBytes, type ModelCheckSettings } from "../../lib/submissions/submit-model";
import { createTeam } from "../../lib/teams/create-team";
import { flatten, resourcesOfType, synthesize, type Json, type Synthesized } from "./synth";

// Issue 16: the deployment's processes started as Batch starts them (the Fargate job, the migration, the GPU job) — the job definition's own command and exactly
// its environment, with the stack's references replaced by local stand-ins (Secrets Manager and SQS: local servers
// that speak their protocols; S3: Ceph RGW; the database: PostgreSQL over TLS with verify-full under a private CA
// standing for the RDS one). Before the fix, a CPU job exited "no PostgreSQL URL": the worker passed its own database
// settings and openDatabase skipped the secret whenever settings were passed, so no Batch job ever reached the database.

const REPO = resolve(__dirname, "../..");
const REGION = "us-east-1";
const DATABASE_SECRET_ARN = `arn:aws:secretsmanager:${REGION}:000000000000:secret:podium-database-AbCdEf`;

interface JobDefinition {
  command: string[];
  environment: Record<string, Json>;
  memoryMiB: number;
}

function jobDefinition(synth: Synthesized, construct: Parameters<Synthesized["logicalId"]>[0]): JobDefinition {
  const container = resourcesOfType(synth.template, "AWS::Batch::JobDefinition")[synth.logicalId(construct)]!.Properties!.ContainerProperties as Record<string, Json>;
  const requirements = (container.ResourceRequirements as { Type: string; Value: string }[] | undefined) ?? [];
  return {
    command: container.Command as string[],
    environment: Object.fromEntries((container.Environment as { Name: string; Value: Json }[]).map((variable) => [variable.Name, variable.Value])),
    memoryMiB: Number(requirements.find((requirement) => requirement.Type === "MEMORY")?.Value ?? container.Memory),
  };
}

describe("the job definitions' processes, run with exactly their environment", () => {
  let synth: Synthesized;
  let secrets: Record<string, string>;
  let secretsManager: SecretsManagerStandIn;
  let sqs: SqsStandIn;
  const disposers: (() => Promise<void> | void)[] = [];
  let buckets: { datasets: string; submissions: string };
  let standIns: Record<string, string>;

  beforeAll(async () => {
    synth = synthesize();
    secrets = {};
    secretsManager = await startSecretsManagerStandIn(secrets);
    sqs = await startSqsStandIn();
    disposers.push(() => secretsManager.close(), () => sqs.close());
    const [datasets, submissions] = [await createS3Store(), await createS3Store()];
    disposers.push(datasets.dispose, submissions.dispose);
    buckets = { datasets: datasets.bucket, submissions: submissions.bucket };
    // What each of the stack's references stands for here.
    standIns = {
      PODIUM_DATABASE_SECRET_ARN: DATABASE_SECRET_ARN,
      // The name in the test server's certificate, as the proxy's endpoint is in its own.
      PODIUM_DATABASE_HOST: "localhost",
      S3_BUCKET: buckets.datasets,
      S3_SUBMISSIONS_BUCKET: buckets.submissions,
      S3_REGION: REGION,
      AWS_REGION: REGION,
      PODIUM_SQS_QUEUE_URL: `${sqs.endpoint}/000000000000/podium-jobs`,
      PODIUM_SQS_TASK_QUEUE_URL: `${sqs.endpoint}/000000000000/podium-tasks`,
    };
  });
  afterAll(async () => {
    for (const dispose of disposers.reverse()) await dispose();
  });

  /** The definition's environment with its references replaced; a reference with no stand-in fails the test. */
  function resolvedEnvironment(definition: JobDefinition): Record<string, string> {
    return Object.fromEntries(
      Object.entries(definition.environment).map(([name, value]) => {
        if (typeof value === "string") return [name, value];
        if (!(name in standIns)) throw new Error(`${name} is set from the stack (${flatten(value)}) and this test has no stand-in for it`);
        return [name, standIns[name]!];
      }),
    );
  }

  /**
   * What a container gets besides its definition — the image's own ENV (gpu-worker/Dockerfile: NODE_ENV, a data
   * folder under /tmp) and the role's credentials — and where the stand-ins listen.
   */
  function platformEnvironment(home: string): Record<string, string> {
    const s3 = s3Settings();
    return {
      PATH: process.env.PATH!,
      HOME: home,
      NODE_ENV: "production",
      PODIUM_DATA_DIR: join(home, "podium"),
      AWS_ACCESS_KEY_ID: s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.endpoint,
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      // The local S3 server, and the authority that stands for the RDS ones (lib/db/database-tls.ts).
      S3_ENDPOINT: s3.endpoint,
      PODIUM_DATABASE_CA_FILE: process.env.TEST_DATABASE_CA_FILE ?? "",
    };
  }

  async function freshDatabase(): Promise<{ url: string; name: string }> {
    if (!process.env.TEST_DATABASE_CA_FILE) throw new Error("TEST_DATABASE_CA_FILE is not set: run the suite with `npm test` (scripts/test-services.sh starts PostgreSQL with TLS)");
    const created = await createPostgresDatabase();
    disposers.push(created.drop);
    const url = new URL(created.url);
    secrets[DATABASE_SECRET_ARN] = JSON.stringify({ engine: "postgres", username: url.username, password: "unused under trust", host: "podium-cluster.cluster-example.rds.amazonaws.com", port: Number(url.port), dbname: url.pathname.slice(1) });
    return { url: created.url, name: url.pathname.slice(1) };
  }

  /** Runs the definition's command in the image's WORKDIR (/app: this checkout) with exactly `env`. */
  async function runCommand(command: string[], parameters: Record<string, string>, env: Record<string, string>): Promise<{ code: number; output: string }> {
    const [program, ...args] = command.map((part) => part.replace(/^\/app\//, `${REPO}/`).replace(/^Ref::(\w+)$/, (_, name: string) => parameters[name] ?? part));
    const cwd = REPO;
    try {
      const { stdout, stderr } = await promisify(execFile)(program === "node" ? process.execPath : program!, args, { cwd, env: env as NodeJS.ProcessEnv, timeout: 120_000 });
      return { code: 0, output: stdout + stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof failed.code === "number" ? failed.code : -1, output: `${failed.stdout ?? ""}${failed.stderr ?? ""}` };
    }
  }

  /**
   * A job's world: a fresh migrated database (the web tier's side, on the same database and buckets), the store the
   * job's settings name, and exactly the environment the definition and the platform give the job.
   */
  async function jobWorld(definition: JobDefinition): Promise<{ env: Record<string, string>; database: Database; store: ReturnType<typeof createBlobStore> }> {
    const { url } = await freshDatabase();
    const home = mkdtempSync(join(tmpdir(), "podium-home-"));
    disposers.push(() => rmSync(home, { recursive: true, force: true }));
    const env = { ...resolvedEnvironment(definition), ...platformEnvironment(home) };
    const database = await openDatabase({ database: { kind: "postgres", url, dataDir: "" }, migrate: true });
    disposers.push(() => database.close());
    const s3 = s3Settings();
    const store = createBlobStore(readSettings({ ...env, S3_ACCESS_KEY: s3.accessKeyId, S3_SECRET_KEY: s3.secretAccessKey }));
    return { env, database, store };
  }

  it("sets only variables the settings reader knows, with AWS_REGION and the container's memory for model caps", () => {
    const gpuMemoryMiB = jobDefinition(synth, synth.stack.workers.jobDefinition).memoryMiB;
    expect(gpuMemoryMiB).toBeGreaterThan(8192);
    for (const definition of [synth.stack.tasks.runJobDefinition, synth.stack.tasks.cliJobDefinition, synth.stack.workers.jobDefinition].map((construct) => jobDefinition(synth, construct))) {
      const unknown = Object.keys(definition.environment).filter((name) => !KNOWN_ENVIRONMENT_VARIABLES.includes(name));
      expect(unknown, definition.command.join(" ")).toEqual([]);
      expect(flatten(definition.environment.AWS_REGION)).toBe("${AWS::Region}");
      const settings = readSettings(resolvedEnvironment(definition));
      expect(settings.database.kind).toBe("postgres");
      expect(settings.storage.s3).toMatchObject({ bucket: buckets.datasets, submissionsBucket: buckets.submissions });
      expect(settings.worker.queue).toBe("sqs");
      expect(settings.worker.workerMemoryBytes).toBe(definition.memoryMiB * 1024 * 1024);
      // Every process refuses a model by what a GPU job can hold, the Fargate check included.
      expect(settings.worker.modelMemoryMaxBytes).toBe((gpuMemoryMiB - WORKER_OVERHEAD_MIB) * 1024 * 1024);
    }
  });

  it("migrates an empty database with the migration task's command, reading the secret and verifying TLS", async () => {
    const definition = jobDefinition(synth, synth.stack.tasks.cliJobDefinition);
    const { url } = await freshDatabase();
    const home = mkdtempSync(join(tmpdir(), "podium-home-"));
    disposers.push(() => rmSync(home, { recursive: true, force: true }));
    const run = await runCommand(definition.command, {}, { ...resolvedEnvironment(definition), ...platformEnvironment(home) });
    expect(run.output).toMatch(/applied \d+ migration\(s\)/);
    expect(run.code).toBe(0);
    expect(secretsManager.requested).toContain(DATABASE_SECRET_ARN);
    const client = new Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ applied: number }>(`SELECT count(*)::int AS applied FROM _prisma_migrations WHERE finished_at IS NOT NULL`);
    await client.end();
    expect(rows[0]!.applied).toBe(readdirSync(join(REPO, "prisma/migrations"), { withFileTypes: true }).filter((entry) => entry.isDirectory()).length);
  });

  it("runs a dataset validation as the Fargate job does: secret read, database reached over verify-full TLS, version ready", async () => {
    const definition = jobDefinition(synth, synth.stack.tasks.runJobDefinition);
    const { env, database, store } = await jobWorld(definition);
    // The organizer's side, through the web tier's code.
    const user = await createUser(database.prisma, { email: "organizer@batch.test", password: "organizer password" });
    const organizer = { userId: user.id, isAdmin: false };
    await createCompetition(database.prisma, organizer, competitionCreateSchema.parse({ slug: "batch", title: "Batch" }));
    const started = await uploadDatasetArchive(database.prisma, store, organizer, "batch", "dataset.tar.gz", await tarArchive(await validDatasetEntries(6), true));
    const job = await database.prisma.job.findFirstOrThrow({ where: { datasetVersionId: started.versionId, kind: "VALIDATE_DATASET" } });

    const run = await runCommand(definition.command, { jobId: job.id }, env);
    expect(run.output).not.toContain("no PostgreSQL URL");
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain(`job ${job.id} ended SUCCEEDED`);
    const version = await database.prisma.datasetVersion.findUniqueOrThrow({ where: { id: started.versionId } });
    expect(version.status).toBe("READY");
    expect(version.queryCount).toBe(6);
    // The worker connected over TLS: the only way the secret's verify-full URL lets it in.
    expect(secretsManager.requested.filter((id) => id === DATABASE_SECRET_ARN).length).toBeGreaterThanOrEqual(2);
  });

  it("scores a model entry as the GPU job does (CUDA tried, CPU here), with the score the encoder's ranks give", async () => {
    const definition = jobDefinition(synth, synth.stack.workers.jobDefinition);
    const { env, database, store } = await jobWorld(definition);
    const ranks = [1, 2, 7, 11];
    const { entries } = await colourDataset({ ranks });
    await createContest(database.prisma, store, { slug: "gpu", entries, settings: { submissionKinds: "model", dailyLimit: 10 } });
    const user = await createUser(database.prisma, { email: "team@gpu.test", password: "gpu team password 1" });
    const team = { userId: user.id, isAdmin: false };
    await createTeam(database.prisma, team, "gpu", "Encoders");
    const checks: ModelCheckSettings = { dryRun: { timeoutMs: 20_000, memoryLimitBytes: 1024 ** 3 }, wakeUp: localWakeUp() };
    const outcome = await submitModelBytes(database, store, team, "gpu", { bytes: meanColourEncoder(), fileName: "mean-colour.onnx", manifest: meanColourManifest, channel: "API" }, checks);
    expect(outcome.kind).toBe("queued");

    const run = await runCommand(definition.command, { submissionId: outcome.submissionId }, env);
    expect(run.code, run.output).toBe(0);
    const scored = await database.prisma.submission.findUniqueOrThrow({ where: { id: outcome.submissionId }, include: { scores: true } });
    expect(scored.status, `${scored.error}\n${run.output}`).toBe("SCORED");
    expect(scored.executionProvider).toMatch(/^cpu \(cuda provider unavailable/);
    expect(scored.scores.find((score) => score.split === "ALL")!.score).toBeCloseTo(expectedScore(ranks), 9);
  });
});
