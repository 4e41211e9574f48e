// Runs once when a Podium server starts: opens the database, so the embedded one is migrated and locked at start
// rather than on the first request.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const { getDatabase } = await import("./lib/db/client");
  await getDatabase();
}
