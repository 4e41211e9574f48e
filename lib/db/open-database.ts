import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { loadAwsSecrets, settings, type DatabaseSettings } from "../config/env";
import { acquireDataDirLock } from "./data-dir-lock";
import { PrismaClient } from "./generated/client";
import { applyMigrations } from "./migrate";
import { pgliteExecutor, pgPoolExecutor, type SqlExecutor } from "./sql-executor";

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
    // On AWS the URL is built from a secret, read once here before the first connection.
    if (!config.url && !options.database) await loadAwsSecrets();
    if (!config.url) throw new Error("no PostgreSQL URL: set DATABASE_URL (or PODIUM_DATABASE_SECRET_ARN on AWS)");
    const [{ Pool }, { PrismaPg }] = await Promise.all([import("pg"), import("@prisma/adapter-pg")]);
    const pool = new Pool({ connectionString: config.url, max: 10 });
    // An idle connection the server drops (failover, idle timeout, an administrator) is an 'error' event on the pool;
    // unheard it would crash the process. The pool has already discarded that client and opens a new one on demand.
    pool.on("error", (error) => console.error(`[database] an idle connection was closed by the server: ${error.message}`));
    const sql = pgPoolExecutor(pool);
    if (options.migrate === true) await applyMigrations(sql);
    const prisma = createPrismaClient(new PrismaPg(pool));
    return {
      kind: "postgres",
      prisma,
      sql,
      async close() {
        await prisma.$disconnect();
        // pool.end() resolves once its clients are asked to end, not once their connections are gone; wait for those
        // too, so that "closed" means the server holds no session of ours (dropping the database right after relies on it).
        const open = pool.totalCount;
        let removed = 0;
        const connectionsGone = new Promise<void>((resolve) => {
          if (open === 0) return resolve();
          pool.on("remove", () => ++removed === open && resolve());
        });
        await pool.end();
        await connectionsGone;
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
