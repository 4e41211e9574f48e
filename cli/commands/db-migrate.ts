import { z } from "zod";
import { openDatabase } from "../../lib/db/open-database";
import { applyMigrations } from "../../lib/db/migrate";
import { parseCommandArgs } from "../args";
import type { CliIO } from "../podium";

export const usage = `Usage: podium db migrate

Applies the committed migrations in prisma/migrations to the database of DATABASE_URL (or the embedded database
under PODIUM_DATA_DIR when DATABASE_URL is unset), recording each in _prisma_migrations as Prisma does.`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  parseCommandArgs(argv, {}, z.object({ positionals: z.array(z.string()).length(0, "takes no arguments") }), usage);
  const database = await openDatabase({ migrate: false });
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
