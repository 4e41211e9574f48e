// Starts Podium for the browser tests: a fresh embedded data folder, an organizer account created with the CLI
// (before the server holds the database), then `next start`.
import { execFileSync, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";

export const E2E_ORGANIZER = { email: "organizer@podium.test", password: "organizer password 1" };
const dataDir = join(process.cwd(), "test-results", "e2e-data");
rmSync(dataDir, { recursive: true, force: true });
const env = { ...process.env, PODIUM_DATA_DIR: dataDir, DATABASE_URL: "", S3_BUCKET: "" };
execFileSync(process.execPath, ["bin/podium.mjs", "admin", "create-user", "--email", E2E_ORGANIZER.email, "--password", E2E_ORGANIZER.password], { env, stdio: "inherit" });
const server = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1", "-p", env.PORT], { env, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
