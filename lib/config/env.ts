import { readFileSync } from "node:fs";
import { totalmem } from "node:os";
import { join, resolve } from "node:path";
import { z } from "zod";

// The one module that reads the environment (STYLE.md "Configuration"). Empty strings count as unset.

const optionalString = z.preprocess((value) => (value === "" ? undefined : value), z.string().optional());
const booleanFlag = z.preprocess(
  (value) => (value === "" || value === undefined ? undefined : String(value).toLowerCase()),
  z.enum(["1", "0", "true", "false", "yes", "no"]).optional().transform((value) => (value === undefined ? undefined : ["1", "true", "yes"].includes(value))),
);

const optionalPositiveInteger = z.preprocess((value) => (value === "" ? undefined : value), z.coerce.number().int().min(1).optional());

/** The memory this machine (or its cgroup, as in a container) has, less 1 GiB for the worker process itself, in MiB. */
function machineMemoryMiB(): number {
  let bytes = totalmem();
  try {
    const limit = readFileSync("/sys/fs/cgroup/memory.max", "utf8").trim();
    if (/^\d+$/.test(limit)) bytes = Math.min(bytes, Number(limit));
  } catch {
    // no cgroup v2 limit here
  }
  return Math.max(1024, Math.floor(bytes / 1024 / 1024) - 1024);
}

const positiveInteger = (fallback: number) => z.preprocess((value) => (value === "" ? undefined : value), z.coerce.number().int().min(1).default(fallback));

const environmentSchema = z.object({
  NODE_ENV: optionalString,
  PORT: z.preprocess((value) => (value === "" ? undefined : value), z.coerce.number().int().min(1).max(65535).default(3000)),
  /** PostgreSQL URL; unset → embedded PGlite under PODIUM_DATA_DIR/db (or the secret below). */
  DATABASE_URL: optionalString,
  /** AWS: a Secrets Manager secret {username, password, port, dbname} to build DATABASE_URL from at start. */
  PODIUM_DATABASE_SECRET_ARN: optionalString,
  /** AWS: the host to connect to (the RDS Proxy), instead of the secret's own host. */
  PODIUM_DATABASE_HOST: optionalString,
  /** AWS: a Secrets Manager secret whose value is PODIUM_SECRET. */
  PODIUM_SECRET_ARN: optionalString,
  /** Set by Lambda, and by Podium's Batch job definitions: the region of AWS clients (Secrets Manager, SQS). */
  AWS_REGION: optionalString,
  /** A PEM file of certificate authorities trusted for the database's TLS, besides Node's roots and the RDS ones. */
  PODIUM_DATABASE_CA_FILE: optionalString,
  /** Folder of the embedded defaults: db/ (PGlite), blobs/ (folder storage), secret. */
  PODIUM_DATA_DIR: z.preprocess((value) => (value === "" ? undefined : value), z.string().default(".podium")),
  /** Public base URL of the server, used in the folder driver's signed upload/download URLs. */
  PODIUM_PUBLIC_URL: optionalString,
  /** Secret for signing folder-driver URLs (and Auth.js, later); generated under the data folder when unset. */
  PODIUM_SECRET: optionalString,
  /** Auth.js secret; defaults to PODIUM_SECRET or the generated one. */
  AUTH_SECRET: optionalString,
  /** GitHub sign-in is offered when both are set. */
  AUTH_GITHUB_ID: optionalString,
  AUTH_GITHUB_SECRET: optionalString,
  /** "inprocess" runs queued jobs inside the web server (the embedded default); "off" leaves them to separate workers. */
  PODIUM_WORKER: z.preprocess((value) => (value === "" ? undefined : value), z.enum(["inprocess", "off"]).default("inprocess")),
  S3_ENDPOINT: optionalString,
  S3_BUCKET: optionalString,
  S3_REGION: z.preprocess((value) => (value === "" ? undefined : value), z.string().default("us-east-1")),
  S3_ACCESS_KEY: optionalString,
  S3_SECRET_KEY: optionalString,
  S3_FORCE_PATH_STYLE: booleanFlag,
  /** A second bucket for submissions/ (results files, models, generated results); defaults to S3_BUCKET. */
  S3_SUBMISSIONS_BUCKET: optionalString,
  /** How workers learn of new jobs: "poll" (PostgreSQL, the default) or "sqs" (AWS: a message per model job). */
  PODIUM_QUEUE: z.preprocess((value) => (value === "" ? undefined : value), z.enum(["poll", "sqs"]).default("poll")),
  PODIUM_SQS_QUEUE_URL: optionalString,
  /** AWS: the queue of CPU jobs (dataset validation, results files scoring could not finish in the request). */
  PODIUM_SQS_TASK_QUEUE_URL: optionalString,
  /** Jobs one worker process runs at once. */
  PODIUM_WORKER_CONCURRENCY: positiveInteger(1),
  /** Local cache of dataset images and decoded pixels; defaults to PODIUM_DATA_DIR/worker-cache. */
  PODIUM_WORKER_CACHE_DIR: optionalString,
  /** onnxruntime execution providers in order of preference; CUDA falls back to CPU where its libraries are missing. */
  PODIUM_EXECUTION_PROVIDERS: z.preprocess((value) => (value === "" ? undefined : value), z.string().default("cuda,cpu")),
  /** Wall-clock limit of one model job. */
  PODIUM_MODEL_TIMEOUT_SECONDS: positiveInteger(3600),
  /** A model job's time budget: this many times the dry run's time per image, for every query and gallery image… */
  PODIUM_MODEL_TIME_FACTOR: z.preprocess((value) => (value === "" ? undefined : value), z.coerce.number().positive().default(10)),
  /** …but at least this long (loading, decoding, ranking) and at most PODIUM_MODEL_TIMEOUT_SECONDS. */
  PODIUM_MODEL_TIME_FLOOR_SECONDS: positiveInteger(120),
  /** Model jobs one team may have running while another team's job waits. */
  PODIUM_TEAM_MAX_RUNNING_JOBS: positiveInteger(1),
  /** The least memory cap of a process running a model (it is killed beyond its cap). */
  PODIUM_MODEL_MEMORY_MB: positiveInteger(4096),
  /** A model job's memory cap: this many times the model's file size, at least PODIUM_MODEL_MEMORY_MB. */
  PODIUM_MODEL_MEMORY_FACTOR: z.preprocess((value) => (value === "" ? undefined : value), z.coerce.number().positive().default(4)),
  /** The largest memory cap a model job may get (the scoring workers' memory); a larger model is refused at its check. */
  PODIUM_MODEL_MEMORY_MAX_MB: optionalPositiveInteger,
  /** Memory this worker gives model jobs; it claims only jobs whose cap fits. Default: the machine's (or cgroup's) less 1 GiB. */
  PODIUM_WORKER_MEMORY_MB: optionalPositiveInteger,
  /** Model sandboxes (dry runs and model jobs) one process runs at once; the rest wait for a slot. */
  PODIUM_MAX_SANDBOXES: positiveInteger(2),
  /** Time limit of the dry run on upload (an endless Loop ends here). */
  PODIUM_DRY_RUN_TIMEOUT_SECONDS: positiveInteger(60),
  /** Memory for one chunk of the query × gallery similarity matrix. */
  PODIUM_RANK_MEMORY_MB: positiveInteger(256),
  /** A job's lease; a heartbeat renews it every third of it. */
  PODIUM_JOB_LEASE_SECONDS: positiveInteger(60),
  /** SQS: a job announced but still waiting after this long is announced again by the scheduled pass. */
  PODIUM_ANNOUNCE_AGAIN_MINUTES: positiveInteger(60),
  /** Proxies in front of the web server that append the client's address to x-forwarded-for (lib/rate-limits/client-address.ts). */
  PODIUM_TRUSTED_PROXY_HOPS: z.preprocess((value) => (value === "" ? undefined : value), z.coerce.number().int().min(0).max(10).default(0)),
});

export type Environment = z.infer<typeof environmentSchema>;

/** Every variable the settings reader knows: a deployment's job definitions are checked against it. */
export const KNOWN_ENVIRONMENT_VARIABLES: readonly string[] = Object.keys(environmentSchema.shape);

export interface DatabaseSettings {
  kind: "postgres" | "pglite";
  /** Null for PGlite, and on AWS until loadAwsSecrets() has read the secret. */
  url: string | null;
  /** Embedded database folder (PGlite). */
  dataDir: string;
  /** Extra certificate authorities for the database's TLS (PODIUM_DATABASE_CA_FILE); see lib/db/database-tls.ts. */
  caFile?: string | null;
}

export interface StorageSettings {
  kind: "s3" | "folder";
  folder: string;
  s3: { endpoint: string | undefined; bucket: string; submissionsBucket: string | undefined; region: string; accessKeyId: string | undefined; secretAccessKey: string | undefined; forcePathStyle: boolean } | null;
}

export interface WorkerSettings {
  queue: "poll" | "sqs";
  sqsQueueUrl: string | null;
  sqsTaskQueueUrl: string | null;
  concurrency: number;
  cacheDir: string;
  executionProviders: string[];
  modelTimeoutMs: number;
  /** A model job's budget: max(floor, factor × dry-run ms per image × images), capped by modelTimeoutMs. */
  modelTimeFactor: number;
  modelTimeFloorSeconds: number;
  teamMaxRunningJobs: number;
  modelMemoryBytes: number;
  /** Memory cap of a model job = max(modelMemoryBytes, factor × model size), refused beyond modelMemoryMaxBytes. */
  modelMemoryFactor: number;
  modelMemoryMaxBytes: number;
  /** The memory this worker has for model jobs. */
  workerMemoryBytes: number;
  maxSandboxes: number;
  dryRunTimeoutMs: number;
  rankMemoryBytes: number;
  leaseSeconds: number;
  announceAgainSeconds: number;
}

export interface Settings {
  env: Environment;
  port: number;
  dataDir: string;
  publicUrl: string;
  secret: string | undefined;
  authSecret: string | undefined;
  github: { clientId: string; clientSecret: string } | null;
  database: DatabaseSettings;
  storage: StorageSettings;
  worker: WorkerSettings;
}

/** Reads and validates settings from an environment (process.env by default); throws naming every bad variable. */
export function readSettings(source: Record<string, string | undefined> = process.env): Settings {
  const parsed = environmentSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`invalid environment:\n${problems.join("\n")}`);
  }
  const env = parsed.data;
  const dataDir = resolve(env.PODIUM_DATA_DIR);
  if (env.PODIUM_QUEUE === "sqs") {
    const missing = (["PODIUM_SQS_QUEUE_URL", "PODIUM_SQS_TASK_QUEUE_URL"] as const).filter((name) => !env[name]);
    if (missing.length > 0) throw new Error(`invalid environment:\n${missing.map((name) => `${name}: required when PODIUM_QUEUE=sqs`).join("\n")}`);
  }
  if (env.S3_BUCKET === undefined && (env.S3_ENDPOINT ?? env.S3_ACCESS_KEY ?? env.S3_SECRET_KEY) !== undefined) {
    throw new Error("invalid environment:\nS3_BUCKET: required when S3_ENDPOINT or S3 credentials are set");
  }
  return {
    env,
    port: env.PORT,
    dataDir,
    publicUrl: (env.PODIUM_PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ""),
    secret: env.PODIUM_SECRET,
    authSecret: env.AUTH_SECRET ?? env.PODIUM_SECRET,
    github: env.AUTH_GITHUB_ID && env.AUTH_GITHUB_SECRET ? { clientId: env.AUTH_GITHUB_ID, clientSecret: env.AUTH_GITHUB_SECRET } : null,
    database: { kind: env.DATABASE_URL || env.PODIUM_DATABASE_SECRET_ARN ? "postgres" : "pglite", url: env.DATABASE_URL ?? null, dataDir: resolve(dataDir, "db"), caFile: env.PODIUM_DATABASE_CA_FILE ?? null },
    storage: {
      kind: env.S3_BUCKET ? "s3" : "folder",
      folder: resolve(dataDir, "blobs"),
      s3: env.S3_BUCKET
        ? {
            endpoint: env.S3_ENDPOINT,
            bucket: env.S3_BUCKET,
            submissionsBucket: env.S3_SUBMISSIONS_BUCKET,
            region: env.S3_REGION,
            accessKeyId: env.S3_ACCESS_KEY,
            secretAccessKey: env.S3_SECRET_KEY,
            forcePathStyle: env.S3_FORCE_PATH_STYLE ?? env.S3_ENDPOINT !== undefined,
          }
        : null,
    },
    worker: {
      queue: env.PODIUM_QUEUE,
      sqsQueueUrl: env.PODIUM_SQS_QUEUE_URL ?? null,
      sqsTaskQueueUrl: env.PODIUM_SQS_TASK_QUEUE_URL ?? null,
      concurrency: env.PODIUM_WORKER_CONCURRENCY,
      cacheDir: env.PODIUM_WORKER_CACHE_DIR ? resolve(/* turbopackIgnore: true */ env.PODIUM_WORKER_CACHE_DIR) : join(dataDir, "worker-cache"),
      executionProviders: env.PODIUM_EXECUTION_PROVIDERS.split(",").map((item) => item.trim().toLowerCase()).filter(Boolean),
      modelTimeoutMs: env.PODIUM_MODEL_TIMEOUT_SECONDS * 1000,
      modelTimeFactor: env.PODIUM_MODEL_TIME_FACTOR,
      modelTimeFloorSeconds: env.PODIUM_MODEL_TIME_FLOOR_SECONDS,
      teamMaxRunningJobs: env.PODIUM_TEAM_MAX_RUNNING_JOBS,
      modelMemoryBytes: env.PODIUM_MODEL_MEMORY_MB * 1024 * 1024,
      modelMemoryFactor: env.PODIUM_MODEL_MEMORY_FACTOR,
      modelMemoryMaxBytes: (env.PODIUM_MODEL_MEMORY_MAX_MB ?? env.PODIUM_WORKER_MEMORY_MB ?? machineMemoryMiB()) * 1024 * 1024,
      workerMemoryBytes: (env.PODIUM_WORKER_MEMORY_MB ?? machineMemoryMiB()) * 1024 * 1024,
      maxSandboxes: env.PODIUM_MAX_SANDBOXES,
      dryRunTimeoutMs: env.PODIUM_DRY_RUN_TIMEOUT_SECONDS * 1000,
      rankMemoryBytes: env.PODIUM_RANK_MEMORY_MB * 1024 * 1024,
      leaseSeconds: env.PODIUM_JOB_LEASE_SECONDS,
      announceAgainSeconds: env.PODIUM_ANNOUNCE_AGAIN_MINUTES * 60,
    },
  };
}

// On globalThis: Next.js may bundle this module more than once (instrumentation, routes), and the secrets that
// loadAwsSecrets() reads at start must reach all of them.
const holder = globalThis as unknown as { podiumSettings?: Settings };

/** Settings of this process, read once. */
export function settings(): Settings {
  holder.podiumSettings ??= readSettings();
  return holder.podiumSettings;
}

/**
 * The whole environment of a model's sandbox process. A participant's graph runs there, and everything in its
 * environment is within reach of anything that escapes onnxruntime: so no database URL, no secrets, no S3 or AWS
 * credentials, no settings — only what Node, onnxruntime and libvips need to run (the task carries the rest).
 */
export function sandboxEnvironment(): NodeJS.ProcessEnv {
  const kept = ["PATH", "TMPDIR", "TMP", "TEMP", "LANG", "LC_ALL", "TZ", "NODE_ENV", "LD_LIBRARY_PATH", "CUDA_VISIBLE_DEVICES", "NVIDIA_VISIBLE_DEVICES", "OMP_NUM_THREADS", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"];
  return Object.fromEntries(kept.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]]]))) as NodeJS.ProcessEnv;
}

/** DATABASE_URL from an RDS secret's JSON; `host` (the RDS Proxy) wins over the secret's own. */
export function databaseUrlFromSecret(secret: string, host: string | undefined): string {
  const value = JSON.parse(secret) as { username?: string; password?: string; host?: string; port?: number | string; dbname?: string };
  if (!value.username || !value.password) throw new Error("the database secret has no username or password");
  const url = new URL("postgresql://localhost");
  url.username = encodeURIComponent(value.username);
  url.password = encodeURIComponent(value.password);
  url.hostname = host ?? value.host ?? "localhost";
  url.port = String(value.port ?? 5432);
  url.pathname = `/${value.dbname ?? "postgres"}`;
  // Verified against Node's roots (RDS Proxy) and the RDS authorities (a cluster's own endpoint): lib/db/database-tls.ts.
  url.searchParams.set("sslmode", "verify-full");
  return url.toString();
}

/**
 * On AWS, reads the secrets the stack names by ARN (PODIUM_DATABASE_SECRET_ARN, PODIUM_SECRET_ARN) with the process's
 * role, once, before anything opens the database. Does nothing elsewhere.
 */
export async function loadAwsSecrets(config: Settings = settings()): Promise<void> {
  const { env } = config;
  const wanted = [env.PODIUM_DATABASE_SECRET_ARN && !config.database.url, env.PODIUM_SECRET_ARN && !config.secret];
  if (!wanted.some(Boolean)) return;
  const { SecretsManagerClient, GetSecretValueCommand } = await import("@aws-sdk/client-secrets-manager");
  const client = new SecretsManagerClient({ region: env.AWS_REGION ?? env.S3_REGION });
  const read = async (arn: string) => {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    if (!SecretString) throw new Error(`secret ${arn} has no string value`);
    return SecretString;
  };
  if (wanted[0]) config.database.url = databaseUrlFromSecret(await read(env.PODIUM_DATABASE_SECRET_ARN!), env.PODIUM_DATABASE_HOST);
  if (wanted[1]) {
    config.secret = (await read(env.PODIUM_SECRET_ARN!)).trim();
    config.authSecret ??= config.secret;
  }
}
