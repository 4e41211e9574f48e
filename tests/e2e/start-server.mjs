// Starts Podium for the browser tests: a fresh embedded data folder, an organizer account created with the CLI and
// a small demo contest seeded with `npm run demo`'s own code (both before the server holds the database), then
// `next start`, whose in-process worker scores the demo's models.
import { execFileSync, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export const E2E_ORGANIZER = { email: "organizer@podium.test", password: "organizer password 1" };
const dataDir = join(process.cwd(), "test-results", "e2e-data");
rmSync(dataDir, { recursive: true, force: true });
const env = { ...process.env, PODIUM_DATA_DIR: dataDir, DATABASE_URL: "", S3_BUCKET: "", PODIUM_EXECUTION_PROVIDERS: "cpu" };
Object.assign(process.env, env);
execFileSync(process.execPath, ["bin/podium.mjs", "admin", "create-user", "--email", E2E_ORGANIZER.email, "--password", E2E_ORGANIZER.password], { env, stdio: "inherit" });
const { tsImport } = await import("tsx/esm/api");
const { seedDemoFromSettings } = await tsImport(pathToFileURL(join(process.cwd(), "lib/demo/seed-demo-from-settings.ts")).href, import.meta.url);
await seedDemoFromSettings((line) => console.log(`[e2e demo] ${line}`), { identities: 24, distractors: 12, trainingIdentities: 4 });
const server = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1", "-p", env.PORT], { env, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
