import { openDatabase, type Database } from "./open-database";

// The server's one database handle, shared across requests (and across hot reloads in development).
const holder = globalThis as unknown as { podiumDatabase?: Promise<Database> };

export function getDatabase(): Promise<Database> {
  holder.podiumDatabase ??= openDatabase({ purpose: "Podium server" }).catch((error: unknown) => {
    holder.podiumDatabase = undefined;
    throw error;
  });
  return holder.podiumDatabase;
}
