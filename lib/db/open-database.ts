import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { loadAwsSecrets, settings, type DatabaseSettings } from "../config/env";
import { acquireDataDirLock } from "./data-dir-lock";
import { PrismaClient } from "./generated/client";
import { applyMigrations } from "./migrate";
import { openPostgresPool } from "./postgres-pool";
import { pgliteExecutor, type SqlExecutor } from "./sql-executor";

/** Secrets stay out of query results unless a query asks for them explicitly. */
const OMIT_SECRETS = { user: { passwordHash: true }, apiToken: { tokenHash: true } } as const;

type Adapter = NonNullable<ConstructorParameters<typeof PrismaClient>[0]["adapter"]>;

function createPrismaClient(adapter: Adapter) {
  return new PrismaClient({ adapter, omit: OMIT_SECRETS });
}

export type PodiumPrisma = ReturnType<typeof createPrismaClient>;

/** One database, embedded or server, behind one interface: Prisma for the model, plain SQL where needed. */
export interface Database {
  kind: DatabaseSettings["kind"];
  prisma: PodiumPrisma;
  sql: SqlExecutor;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  database?: DatabaseSettings;
  /** Apply pending migrations on open (default: only for the embedded database, which has no deploy step). */
  migrate?: boolean;
  /** Who holds the embedded database, shown to a second process that tries to open it. */
  purpose?: string;
}

/** Opens PostgreSQL through @prisma/adapter-pg when a URL is set, else PGlite in the data folder — one code path. */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  const config = options.database ?? settings().database;
  if (config.kind === "postgres") {
    // On AWS the URL is built from a secret, read once here before the first connection — whoever the caller is and
    // whatever settings it passes (the worker passed its own and never read the secret: every Batch job failed).
    if (!config.url) await loadAwsSecrets();
    const url = config.url ?? settings().database.url;
    if (!url) throw new Error("no PostgreSQL URL: set DATABASE_URL (or PODIUM_DATABASE_SECRET_ARN on AWS)");
    const [{ PrismaPg }, postgres] = await Promise.all([import("@prisma/adapter-pg"), openPostgresPool(url, { caFile: config.caFile })]);
    const { pool, sql } = postgres;
    if (options.migrate === true) await applyMigrations(sql);
    const prisma = createPrismaClient(new PrismaPg(pool));
    return {
      kind: "postgres",
      prisma,
      sql,
      async close() {
        await prisma.$disconnect();
        await postgres.close();
      },
    };
  }

  const [{ PGlite }, { PrismaPGlite }] = await Promise.all([import("@electric-sql/pglite"), import("pglite-prisma-adapter")]);
  const inMemory = config.dataDir === ":memory:";
  const lock = inMemory ? null : acquireDataDirLock(join(config.dataDir, "..", "db.lock"), options.purpose ?? `podium ${process.argv.slice(2).join(" ")}`.trim());
  try {
    if (!inMemory) mkdirSync(config.dataDir, { recursive: true });
    const pglite = inMemory ? new PGlite() : new PGlite(config.dataDir);
    await pglite.waitReady;
    const sql = pgliteExecutor(pglite);
    if (options.migrate !== false) await applyMigrations(sql);
    const prisma = createPrismaClient(new PrismaPGlite(pglite));
    return {
      kind: "pglite",
      prisma,
      sql,
      async close() {
        await prisma.$disconnect();
        await pglite.close();
        lock?.release();
      },
    };
  } catch (error) {
    lock?.release();
    throw error;
  }
}
