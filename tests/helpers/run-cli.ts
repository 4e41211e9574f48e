import { spawnSync } from "node:child_process";
import { join } from "node:path";

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

const BIN = join(process.cwd(), "bin", "podium.mjs");

/** Runs the installed `podium` command as a user would, in its own process. */
export function runPodium(args: string[], env: Record<string, string | undefined> = {}, cwd = process.cwd()): CliRun {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env }, encoding: "utf8", timeout: 120_000 });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
