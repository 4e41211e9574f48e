import { resolve } from "node:path";
import { z } from "zod";

// The one module that reads the environment (STYLE.md "Configuration"). Empty strings count as unset.

const optionalString = z.preprocess((value) => (value === "" ? undefined : value), z.string().optional());
const booleanFlag = z.preprocess(
  (value) => (value === "" || value === undefined ? undefined : String(value).toLowerCase()),
  z.enum(["1", "0", "true", "false", "yes", "no"]).optional().transform((value) => (value === undefined ? undefined : ["1", "true", "yes"].includes(value))),
);

const environmentSchema = z.object({
  NODE_ENV: optionalString,
  PORT: z.preprocess((value) => (value === "" ? undefined : value), z.coerce.number().int().min(1).max(65535).default(3000)),
  /** PostgreSQL URL; unset → embedded PGlite under PODIUM_DATA_DIR/db. */
  DATABASE_URL: optionalString,
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
});

export type Environment = z.infer<typeof environmentSchema>;

export interface DatabaseSettings {
  kind: "postgres" | "pglite";
  url: string | null;
  /** Embedded database folder (PGlite). */
  dataDir: string;
}

export interface StorageSettings {
  kind: "s3" | "folder";
  folder: string;
  s3: { endpoint: string | undefined; bucket: string; region: string; accessKeyId: string | undefined; secretAccessKey: string | undefined; forcePathStyle: boolean } | null;
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
    database: { kind: env.DATABASE_URL ? "postgres" : "pglite", url: env.DATABASE_URL ?? null, dataDir: resolve(dataDir, "db") },
    storage: {
      kind: env.S3_BUCKET ? "s3" : "folder",
      folder: resolve(dataDir, "blobs"),
      s3: env.S3_BUCKET
        ? {
            endpoint: env.S3_ENDPOINT,
            bucket: env.S3_BUCKET,
            region: env.S3_REGION,
            accessKeyId: env.S3_ACCESS_KEY,
            secretAccessKey: env.S3_SECRET_KEY,
            forcePathStyle: env.S3_FORCE_PATH_STYLE ?? env.S3_ENDPOINT !== undefined,
          }
        : null,
    },
  };
}

let cached: Settings | undefined;

/** Settings of this process, read once. */
export function settings(): Settings {
  cached ??= readSettings();
  return cached;
}
