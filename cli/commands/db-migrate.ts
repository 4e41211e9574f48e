import { z } from "zod";
import { openDatabase, type Database } from "../../lib/db/open-database";
import { applyMigrations } from "../../lib/db/migrate";
import { parseCommandArgs } from "../args";
import type { CliIO } from "../podium";

export const usage = `Usage: podium db migrate [--wait SECONDS]

Applies the committed migrations in prisma/migrations to the database of DATABASE_URL (or the embedded database
under PODIUM_DATA_DIR when DATABASE_URL is unset), recording each in _prisma_migrations as Prisma does.

  --wait SECONDS   keep trying to connect for up to SECONDS (default 0): a deploy's migration may start while the
                   database is still being created or resuming from a pause`;

/** Connects, trying again every few seconds until `waitSeconds` have passed; the last error when they have. */
async function openWhenReachable(waitSeconds: number, io: CliIO): Promise<Database> {
  const deadline = Date.now() + waitSeconds * 1000;
  for (let attempt = 1; ; attempt++) {
    let database: Database | null = null;
    try {
      database = await openDatabase({ migrate: false });
      await database.sql.query("SELECT 1");
      return database;
    } catch (error) {
      await database?.close().catch(() => {});
      if (Date.now() >= deadline) throw error;
      io.stderr(`the database is not reachable yet (attempt ${attempt}: ${error instanceof Error ? error.message : String(error)}); trying again`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(5000, Math.max(0, deadline - Date.now()))));
    }
  }
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs(
    argv,
    { wait: { type: "string" } },
    z.object({ wait: z.coerce.number().int("must be a whole number of seconds").min(0).max(3600).default(0), positionals: z.array(z.string()).length(0, "takes no arguments") }),
    usage,
  );
  const database = await openWhenReachable(args.wait, io);
  try {
    const result = await applyMigrations(database.sql);
    io.stdout(
      result.applied.length === 0
        ? `database is up to date (${result.alreadyApplied.length} migrations applied before)`
        : `applied ${result.applied.length} migration(s): ${result.applied.join(", ")}`,
    );
    return 0;
  } finally {
    await database.close();
  }
}
