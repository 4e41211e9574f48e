import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, DeleteBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { Client } from "pg";
import { openDatabase, type Database } from "../../lib/db/open-database";
import { deleteBlobsUnder } from "../../lib/storage/blob-store";
import { S3BlobStore } from "../../lib/storage/s3-blob-store";

// Tests that need PostgreSQL or S3 get them here. `npm test` starts both (scripts/test-services.sh) and exports
// their settings; without them these helpers fail loudly instead of letting a test pass silently.

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the suite with \`npm test\`, which starts PostgreSQL and Ceph RGW (scripts/test-services.sh up)`);
  }
  return value;
}

export const uniqueName = (prefix: string) => `${prefix}${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;

/** A fresh, empty PostgreSQL database on the test server; `drop` removes it. */
export async function createPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = required("TEST_DATABASE_URL");
  const name = uniqueName("podium_t_");
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export type DatabaseKind = "postgres" | "pglite";
export const DATABASE_KINDS: DatabaseKind[] = ["postgres", "pglite"];

/** A migrated database of either kind, and how to dispose of it. */
export async function openTestDatabase(kind: DatabaseKind): Promise<{ database: Database; dispose: () => Promise<void>; dataDir?: string; url?: string }> {
  if (kind === "postgres") {
    const created = await createPostgresDatabase();
    const database = await openDatabase({ database: { kind: "postgres", url: created.url, dataDir: "" }, migrate: true });
    return {
      database,
      url: created.url,
      async dispose() {
        await database.close();
        await created.drop();
      },
    };
  }
  const root = mkdtempSync(join(tmpdir(), "podium-pglite-"));
  const dataDir = join(root, "db");
  const database = await openDatabase({ database: { kind: "pglite", url: null, dataDir }, purpose: "test" });
  return {
    database,
    dataDir,
    async dispose() {
      await database.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export function s3Settings() {
  return {
    endpoint: required("TEST_S3_ENDPOINT"),
    accessKeyId: required("TEST_S3_ACCESS_KEY"),
    secretAccessKey: required("TEST_S3_SECRET_KEY"),
    region: "us-east-1",
    forcePathStyle: true,
  };
}

/** A fresh bucket on the test S3 server and a store on it. */
export async function createS3Store(): Promise<{ store: S3BlobStore; bucket: string; dispose: () => Promise<void> }> {
  const settings = s3Settings();
  const bucket = uniqueName("podium-t-");
  const client = new S3Client({ ...settings, credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  const store = new S3BlobStore({ ...settings, bucket });
  return {
    store,
    bucket,
    async dispose() {
      await deleteBlobsUnder(store, "");
      await client.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => {});
      client.destroy();
    },
  };
}

/**
 * What a server (and the CLI's server-side commands) needs to run on a fresh PostgreSQL database and a fresh bucket
 * of the test S3 server, with its data and the CLI's config under `work`; `dispose` drops both.
 */
export async function postgresAndS3Env(work: string): Promise<{ env: Record<string, string>; dispose: () => Promise<void> }> {
  const database = await createPostgresDatabase();
  const s3 = await createS3Store().catch(async (error: unknown) => {
    await database.drop();
    throw error;
  });
  const settings = s3Settings();
  return {
    env: {
      DATABASE_URL: database.url,
      S3_BUCKET: s3.bucket,
      S3_ENDPOINT: settings.endpoint,
      S3_ACCESS_KEY: settings.accessKeyId,
      S3_SECRET_KEY: settings.secretAccessKey,
      PODIUM_DATA_DIR: join(work, "data"),
      PODIUM_CONFIG_DIR: join(work, "config"),
    },
    async dispose() {
      await s3.dispose();
      await database.drop();
    },
  };
}
