import { readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ABANDONED_UPLOAD_SECONDS } from "../queue/abandoned-uploads";

// A process killed mid-write (kill -9, an out-of-memory kill, a lost host) leaves its temporary files behind: the
// folder store's half-written blobs in <blobs>/tmp, and model-check scratch folders in the system's temp folder.
// Nothing ever reads them again, so a starting server removes those old enough that no live writer can own them.

/** A temporary file younger than this may still be written by another live process sharing the folder. */
export const TEMPORARY_FILE_GRACE_MS = 15 * 60 * 1000;

/** Removes the entries of `dir` (whose names match `pattern`) last modified before `olderThan`; returns how many. */
export async function sweepOldEntries(dir: string, pattern: RegExp, olderThan: number): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0; // no such folder: nothing was ever written there
  }
  let removed = 0;
  for (const name of names) {
    if (!pattern.test(name)) continue;
    const path = join(dir, name);
    try {
      if ((await stat(path)).mtimeMs >= olderThan) continue;
      await rm(path, { recursive: true, force: true });
      removed++;
    } catch {
      // Removed meanwhile by another process: fine.
    }
  }
  return removed;
}

/** The start-up sweep: the folder store's tmp/ (when the blobs live in a folder) and old model-check scratch folders. */
export async function sweepTemporaryFiles(options: { folderStoreRoot: string | null; now?: number }): Promise<number> {
  const olderThan = (options.now ?? Date.now()) - TEMPORARY_FILE_GRACE_MS;
  let removed = await sweepOldEntries(tmpdir(), /^podium-model-check-/, olderThan);
  if (options.folderStoreRoot) removed += await sweepOldEntries(join(options.folderStoreRoot, "tmp"), /^[0-9a-f-]{36}$/, olderThan);
  // Multipart uploads untouched for longer than an upload may take (their rows are ended: lib/queue/abandoned-uploads).
  if (options.folderStoreRoot) removed += await sweepOldEntries(join(options.folderStoreRoot, "uploads"), /^[0-9a-f-]{36}$/, (options.now ?? Date.now()) - ABANDONED_UPLOAD_SECONDS * 1000);
  return removed;
}
