import type { PGlite, Transaction } from "@electric-sql/pglite";
import type { Pool, PoolClient } from "pg";

/** Plain SQL on either database, for the migrator and for statements Prisma cannot express (SKIP LOCKED claims). */
export interface SqlExecutor {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  /** Runs a script of several statements (no parameters). */
  exec(script: string): Promise<void>;
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}

function pgClientExecutor(client: PoolClient): SqlExecutor {
  return {
    async query<Row>(text: string, params?: unknown[]) {
      return (await client.query(text, params)).rows as Row[];
    },
    async exec(script) {
      await client.query(script);
    },
    transaction: (work) => work(pgClientExecutor(client)),
  };
}

export function pgPoolExecutor(pool: Pool): SqlExecutor {
  return {
    async query<Row>(text: string, params?: unknown[]) {
      return (await pool.query(text, params)).rows as Row[];
    },
    async exec(script) {
      await pool.query(script);
    },
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await work(pgClientExecutor(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
  };
}

function pgliteTransactionExecutor(tx: Transaction): SqlExecutor {
  return {
    async query<Row>(text: string, params?: unknown[]) {
      return (await tx.query(text, params)).rows as Row[];
    },
    async exec(script) {
      await tx.exec(script);
    },
    transaction: (work) => work(pgliteTransactionExecutor(tx)),
  };
}

export function pgliteExecutor(db: PGlite): SqlExecutor {
  return {
    async query<Row>(text: string, params?: unknown[]) {
      return (await db.query(text, params)).rows as Row[];
    },
    async exec(script) {
      await db.exec(script);
    },
    transaction: (work) => db.transaction((tx) => work(pgliteTransactionExecutor(tx))),
  };
}
