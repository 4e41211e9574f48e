// Runs once when a Podium server starts: opens the database (so the embedded one is migrated and locked at start,
// not on the first request) and resumes dataset validations that a restart interrupted.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const [{ getDatabase }, { createBlobStore }, { resumeDatasetValidations }] = await Promise.all([
    import("./lib/db/client"),
    import("./lib/storage/create-blob-store"),
    import("./lib/datasets/dataset-versions"),
  ]);
  const database = await getDatabase();
  await resumeDatasetValidations(database.prisma, createBlobStore());
}
