import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, type Database } from "../../lib/db/open-database";
import { FolderBlobStore } from "../../lib/storage/folder-blob-store";
import { startNextServer, type RunningServer } from "./next-server";
import { createPostgresDatabase } from "./services";

/** The production server on a fresh, migrated PostgreSQL database with folder storage, and handles on both. */
export interface ServerWorld {
  server: RunningServer;
  database: Database;
  /** The server's folder store, opened from the test (the same folder and signing secret). */
  store: FolderBlobStore;
  /** A scratch folder, removed with the world; the server's data lives in `work/data`. */
  work: string;
  databaseUrl: string;
  /** The settings the server was started with (to start it again, e.g. after killing it). */
  env: Record<string, string>;
  dispose: () => Promise<void>;
}

/**
 * Starts a server world. `beforeStart` runs once the database exists and before the server starts: it may leave
 * files in `work` or return settings that replace the defaults (a DATABASE_URL through a relay, say).
 */
export async function startServerWorld(
  name: string,
  options: { env?: Record<string, string>; beforeStart?: (world: { database: Database; work: string; databaseUrl: string }) => Promise<Record<string, string> | void> } = {},
): Promise<ServerWorld> {
  const work = mkdtempSync(join(tmpdir(), `podium-${name}-`));
  const created = await createPostgresDatabase();
  const database = await openDatabase({ database: { kind: "postgres", url: created.url, dataDir: "" }, migrate: true });
  const secret = `${name}-secret`;
  const extra = (await options.beforeStart?.({ database, work, databaseUrl: created.url })) ?? {};
  const env = { DATABASE_URL: created.url, PODIUM_DATA_DIR: join(work, "data"), PODIUM_SECRET: secret, S3_BUCKET: "", ...options.env, ...extra };
  let server: RunningServer;
  try {
    server = await startNextServer(env);
  } catch (error) {
    await database.close();
    await created.drop();
    rmSync(work, { recursive: true, force: true });
    throw error;
  }
  const world: ServerWorld = {
    server,
    database,
    store: new FolderBlobStore({ root: join(work, "data", "blobs"), baseUrl: server.url, secret }),
    work,
    databaseUrl: created.url,
    env,
    async dispose() {
      await world.server.stop();
      await database.close();
      await created.drop();
      rmSync(work, { recursive: true, force: true });
    },
  };
  return world;
}
