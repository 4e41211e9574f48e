// Applies prisma/migrations with Prisma's own (WASM) schema engine — what `prisma migrate deploy` runs — and
// prints the names it applied as JSON. The data-layer test uses it to check that Podium's migrator and Prisma's
// agree. Run: node --experimental-wasm-modules tests/helpers/prisma-engine-deploy.mjs DATABASE_URL
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import { SchemaEngine } from "@prisma/schema-engine-wasm";

const url = process.argv[2];
const schemaPath = resolve("prisma/schema.prisma");
const baseDir = resolve("prisma/migrations");
const dirs = readdirSync(baseDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString: url }));
const engine = await SchemaEngine.new({ datamodels: [[schemaPath, readFileSync(schemaPath, "utf8")]] }, () => {}, adapter);
const out = await engine.applyMigrations({
  migrationsList: {
    baseDir,
    shadowDbInitScript: "",
    lockfile: { path: "migration_lock.toml", content: readFileSync(join(baseDir, "migration_lock.toml"), "utf8") },
    migrationDirectories: dirs.map((d) => ({
      path: d,
      migrationFile: { path: "migration.sql", content: { tag: "ok", value: readFileSync(join(baseDir, d, "migration.sql"), "utf8") } },
    })),
  },
  filters: { externalTables: [], externalEnums: [] },
});
console.log(JSON.stringify(out.appliedMigrationNames));
process.exit(0);
