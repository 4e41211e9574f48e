import { defineConfig } from "prisma/config";

// Connection URLs live in lib/config; the CLI only needs the schema and the migrations folder (created offline
// with scripts/create-migration.ts, applied by `podium db migrate`).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
