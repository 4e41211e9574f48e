import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { SqlExecutor } from "./sql-executor";

// Applies the committed SQL of prisma/migrations and records each in _prisma_migrations exactly as Prisma's
// `migrate deploy` does (same table, sha256 checksum of the file, applied_steps_count), so the real Prisma CLI
// agrees with what is applied. Works on PostgreSQL and PGlite alike.

/** Prisma's own key for its migration advisory lock, so our migrator and Prisma's never run at once. */
const PRISMA_ADVISORY_LOCK = 72707369;

const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
);`;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

/** prisma/migrations, found from this module (source, CLI bundle or Next server bundle) or the working folder. */
export function findMigrationsDir(): string {
  const starts = [process.cwd()];
  try {
    starts.unshift(dirname(fileURLToPath(import.meta.url)));
  } catch {
    // Bundlers may not give a file URL; the working folder remains.
  }
  for (const start of starts) {
    let dir = resolve(/*turbopackIgnore: true*/ start);
    for (;;) {
      const candidate = join(dir, "prisma", "migrations");
      if (existsSync(/*turbopackIgnore: true*/ join(candidate, "migration_lock.toml"))) return candidate;
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw new Error(`prisma/migrations not found above ${starts.join(" or ")}`);
}

/** The committed migrations, in name order (their timestamp prefix). */
export function readMigrations(dir = findMigrationsDir()): Migration[] {
  return readdirSync(/*turbopackIgnore: true*/ dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(/*turbopackIgnore: true*/ join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(/*turbopackIgnore: true*/ join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/**
 * Applies pending migrations, each in its own transaction with its _prisma_migrations row. A failed migration is
 * rolled back, recorded with its error and `rolled_back_at`, and reported; nothing half-applied remains.
 */
export async function applyMigrations(sql: SqlExecutor, migrations: Migration[] = readMigrations()): Promise<MigrationResult> {
  await sql.exec(CREATE_MIGRATIONS_TABLE);
  await sql.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK]);
  try {
    const rows = await sql.query<AppliedRow>(`SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`);
    const unfinished = rows.find((row) => row.finished_at === null && row.rolled_back_at === null);
    if (unfinished) {
      throw new Error(`migration ${unfinished.migration_name} started but did not finish; resolve it (prisma migrate resolve) before migrating`);
    }
    const done = new Set(rows.filter((row) => row.finished_at !== null && row.rolled_back_at === null).map((row) => row.migration_name));
    const known = new Set(migrations.map((migration) => migration.name));
    const unknown = [...done].filter((name) => !known.has(name));
    if (unknown.length > 0) {
      throw new Error(`the database has migrations this version of Podium does not know: ${unknown.join(", ")} (is this an older release?)`);
    }
    const applied: string[] = [];
    for (const migration of migrations) {
      if (done.has(migration.name)) continue;
      const id = randomUUID();
      try {
        await sql.transaction(async (tx) => {
          await tx.query(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)`, [
            id,
            migration.checksum,
            migration.name,
          ]);
          await tx.exec(migration.sql);
          await tx.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [id]);
        });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        await sql.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs, started_at, rolled_back_at, applied_steps_count) VALUES ($1, $2, $3, $4, now(), now(), 0)`,
          [id, migration.checksum, migration.name, message],
        );
        throw new Error(`migration ${migration.name} failed and was rolled back: ${message}`, { cause: error });
      }
      applied.push(migration.name);
    }
    return { applied, alreadyApplied: [...done] };
  } finally {
    await sql.query("SELECT pg_advisory_unlock($1)", [PRISMA_ADVISORY_LOCK]);
  }
}
