import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { AppError } from "../lib/errors/app-error";

// The CLI's own settings (server URL and API token), in the user's config folder, readable by the user only.

export interface CliConfig {
  server: string;
  token: string;
}

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PODIUM_CONFIG_DIR) return env.PODIUM_CONFIG_DIR;
  return join(env.XDG_CONFIG_HOME || join(homedir(), ".config"), "podium");
}

export function readCliConfig(env: NodeJS.ProcessEnv = process.env): CliConfig {
  const path = join(configDir(env), "config.json");
  if (!existsSync(path)) throw new AppError("UNAUTHORIZED", "not logged in: run `podium login --server URL --token TOKEN` first");
  const config = JSON.parse(readFileSync(path, "utf8")) as Partial<CliConfig>;
  if (!config.server || !config.token) throw new AppError("UNAUTHORIZED", `${path} is incomplete: run \`podium login\` again`);
  return { server: config.server, token: config.token };
}

export function writeCliConfig(config: CliConfig, env: NodeJS.ProcessEnv = process.env): string {
  const dir = configDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, "config.json");
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}
