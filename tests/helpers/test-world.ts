import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readSettings, type Settings } from "../../lib/config/env";
import type { Database } from "../../lib/db/open-database";
import type { FolderBlobStore } from "../../lib/storage/folder-blob-store";
import { servedFolderStore } from "./serve-request-handler";
import { openTestDatabase, type DatabaseKind } from "./services";

/** A migrated database of the kind asked for and a served folder store; their disposal is pushed onto `disposers`. */
export async function databaseAndStore(kind: DatabaseKind, disposers: (() => Promise<void> | void)[]): Promise<{ database: Database; store: FolderBlobStore }> {
  const db = await openTestDatabase(kind);
  disposers.push(db.dispose);
  const served = await servedFolderStore();
  disposers.push(served.dispose);
  return { database: db.database, store: served.store };
}

/** Worker settings with a fresh worker cache folder (removed through `disposers`) and the test's own `env`. */
export function workerSettings(disposers: (() => Promise<void> | void)[], env: Record<string, string> = {}): Settings {
  const cacheDir = mkdtempSync(join(tmpdir(), "podium-worker-cache-"));
  disposers.push(() => rmSync(cacheDir, { recursive: true, force: true }));
  return readSettings({ PODIUM_WORKER_CACHE_DIR: cacheDir, ...env });
}
