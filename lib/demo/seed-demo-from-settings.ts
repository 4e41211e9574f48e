import { existsSync, readdirSync, rmSync } from "node:fs";
import { join, parse, relative, resolve } from "node:path";
import { modelCheckSettings } from "../models/model-check-settings";
import { settings } from "../config/env";
import { acquireDataDirLock } from "../db/data-dir-lock";
import { openDatabase } from "../db/open-database";
import { createBlobStore } from "../storage/create-blob-store";
import { seedDemo, type DemoSummary, type SeedDemoOptions } from "./seed-demo";

// `npm run demo`'s side of lib/ (scripts/demo.mjs builds and starts the server around it): seeds the demo into the
// database and storage the settings choose — the embedded defaults under PODIUM_DATA_DIR, or DATABASE_URL and S3_*
// when set — and closes the database again, so the server can take the embedded one's lock.

export interface DemoServerSettings {
  port: number;
  publicUrl: string;
  dataDir: string;
  embedded: boolean;
  inProcessWorker: boolean;
}

export function demoServerSettings(): DemoServerSettings {
  const config = settings();
  return {
    port: config.port,
    publicUrl: config.publicUrl,
    dataDir: config.dataDir,
    embedded: config.database.kind === "pglite" && config.storage.kind === "folder",
    inProcessWorker: config.env.PODIUM_WORKER === "inprocess",
  };
}

/** What Podium keeps in its data folder (db/ and its lock, blobs/, the secret, the worker's cache, the demo's files). */
const PODIUM_ENTRIES = new Set(["db", "db.lock", "blobs", "secret", "worker-cache", "demo"]);

/**
 * Deletes the embedded data folder (database, blobs, secret, worker cache). Refused when the data lives in
 * PostgreSQL or S3, when the folder holds more than Podium's data, and while a server holds the database.
 */
export function resetDemoData(): string {
  const config = settings();
  if (config.database.kind !== "pglite" || config.storage.kind !== "folder") {
    throw new Error("--reset only deletes the embedded data folder; with DATABASE_URL or S3_BUCKET set, reset that database and bucket with their own tools");
  }
  const dataDir = resolve(config.dataDir);
  const inside = relative(dataDir, process.cwd());
  if (dataDir === parse(dataDir).root || inside === "" || !inside.startsWith("..")) {
    throw new Error(`--reset refuses to delete ${dataDir}: it is or contains the current folder; point PODIUM_DATA_DIR at a folder of its own`);
  }
  const foreign = existsSync(dataDir) ? readdirSync(dataDir).filter((name) => !PODIUM_ENTRIES.has(name)) : [];
  if (foreign.length > 0) throw new Error(`--reset refuses to delete ${dataDir}: it holds more than Podium's data (${foreign.slice(0, 5).join(", ")})`);
  // Taking the lock proves no server or CLI command is using the database; the folder goes with the lock file.
  const lock = acquireDataDirLock(join(config.database.dataDir, "..", "db.lock"), "npm run demo --reset");
  try {
    rmSync(dataDir, { recursive: true, force: true });
  } finally {
    lock.release();
  }
  return dataDir;
}

/** Seeds (or finds) the demo with this process's settings; the baseline .onnx files go to PODIUM_DATA_DIR/demo. */
export async function seedDemoFromSettings(log: (line: string) => void, dataset?: SeedDemoOptions["dataset"]): Promise<DemoSummary> {
  const config = settings();
  const database = await openDatabase({ purpose: "npm run demo (seeding)" });
  try {
    return await seedDemo(database, createBlobStore(config), {
      checks: modelCheckSettings(config),
      examplesDir: join(config.dataDir, "demo"),
      dataset,
      log,
    });
  } finally {
    await database.close();
  }
}
