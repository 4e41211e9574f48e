import type { Pool } from "pg";
import { databaseConnection } from "./database-tls";
import { pgPoolExecutor, type SqlExecutor } from "./sql-executor";

export interface PostgresPool {
  pool: Pool;
  sql: SqlExecutor;
  /** Resolves once the server holds no session of ours. */
  close(): Promise<void>;
}

/** A pg pool for a PostgreSQL URL, shared by openDatabase (with Prisma on top) and the Prisma-free queue sweeper. */
export async function openPostgresPool(url: string, options: { max?: number; caFile?: string | null } = {}): Promise<PostgresPool> {
  const { Pool } = await import("pg");
  const pool = new Pool({ ...databaseConnection(url, options.caFile ?? null), max: options.max ?? 10 });
  // An idle connection the server drops (failover, idle timeout, an administrator) is an 'error' event on the pool;
  // unheard it would crash the process. The pool has already discarded that client and opens a new one on demand.
  pool.on("error", (error) => console.error(`[database] an idle connection was closed by the server: ${error.message}`));
  return {
    pool,
    sql: pgPoolExecutor(pool),
    async close() {
      // pool.end() resolves once its clients are asked to end, not once their connections are gone; wait for those
      // too, so that "closed" means the server holds no session of ours (dropping the database right after relies on it).
      const open = pool.totalCount;
      let removed = 0;
      const connectionsGone = new Promise<void>((resolve) => {
        if (open === 0) return resolve();
        pool.on("remove", () => ++removed === open && resolve());
        // A client whose connect failed is dropped without a 'remove': never wait on it for long.
        setTimeout(resolve, 5000).unref();
      });
      await pool.end();
      await connectionsGone;
    },
  };
}
