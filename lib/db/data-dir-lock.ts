import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { AppError } from "../errors/app-error";

// PGlite is one process's database: a second process opening the same folder would corrupt it. Whoever opens the
// embedded database holds this lock file; everyone else is refused with a message naming the holder.

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface DataDirLock {
  release(): void;
}

export function acquireDataDirLock(lockPath: string, purpose: string): DataDirLock {
  mkdirSync(dirname(lockPath), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, "wx");
      writeSync(fd, JSON.stringify({ pid: process.pid, purpose, since: new Date().toISOString() }));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          const holder = JSON.parse(readFileSync(lockPath, "utf8")) as { pid?: number };
          if (holder.pid === process.pid) rmSync(lockPath, { force: true });
        } catch {
          // Already gone.
        }
      };
      process.once("exit", release);
      return { release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      let holder: { pid?: number; purpose?: string; since?: string } = {};
      try {
        holder = JSON.parse(readFileSync(lockPath, "utf8"));
      } catch {
        // A lock being written right now, or garbage: treat as stale only if unreadable twice.
      }
      if (holder.pid !== undefined && processAlive(holder.pid)) {
        throw new AppError(
          "UNAVAILABLE",
          `the embedded database ${dirname(lockPath)} is in use by process ${holder.pid} (${holder.purpose ?? "unknown"}, since ${holder.since ?? "?"}). ` +
            "Stop that process first, or point DATABASE_URL at PostgreSQL to share the data between processes.",
        );
      }
      rmSync(lockPath, { force: true }); // stale: its process is gone
    }
  }
  throw new AppError("UNAVAILABLE", `could not lock the embedded database at ${dirname(lockPath)}`);
}
