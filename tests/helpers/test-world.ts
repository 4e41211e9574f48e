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
