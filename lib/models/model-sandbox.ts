import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { childEnvironment } from "../config/env";
import { ModelFault } from "./embed-images";
import type { SandboxMessage, SandboxProgress, SandboxResult, SandboxTask } from "./sandbox-protocol";

// Runs a participant's model in a child process with a wall-clock limit and a memory cap: onnxruntime's memory is
// native, so the cap is enforced by watching the child's resident set and killing it beyond the limit. A model that
// hangs (an endless Loop), explodes in memory or crashes the runtime takes only the child down.

export interface SandboxLimits {
  timeoutMs: number;
  memoryLimitBytes: number;
}

/** The child's entry: the bundle `npm install` builds, or the TypeScript source through tsx in a checkout. */
function childEntry(root: string): { path: string; execArgv: string[] } {
  const bundle = join(root, "dist", "sandbox-child.mjs");
  const source = join(root, "lib", "models", "sandbox-child.ts");
  const newestSource = existsSync(join(root, "lib", "models"))
    ? Math.max(...readdirSync(join(root, "lib", "models")).filter((name) => name.endsWith(".ts")).map((name) => statSync(join(root, "lib", "models", name)).mtimeMs))
    : 0;
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= newestSource) return { path: bundle, execArgv: [] };
  return { path: source, execArgv: ["--import", "tsx"] };
}

/** Resident memory of a process in bytes (Linux /proc); null where unavailable. */
function residentBytes(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

function formatMiB(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)} MiB`;
}

export interface SandboxRun<T extends SandboxResult> {
  result: Promise<T>;
  /** Peak resident memory seen so far. */
  peakBytes: () => number;
  kill: () => void;
}

export function runInSandbox<T extends SandboxResult>(
  task: SandboxTask,
  limits: SandboxLimits,
  options: { root?: string; onProgress?: (progress: SandboxProgress) => void } = {},
): SandboxRun<T> {
  const entry = childEntry(options.root ?? process.cwd());
  // spawn with an IPC channel rather than fork: Turbopack resolves fork()'s path as a module at build time
  // (vercel/next.js#97952).
  const child: ChildProcess = spawn(process.execPath, [...entry.execArgv, entry.path], {
    serialization: "advanced",
    stdio: ["ignore", "ignore", "pipe", "ipc"],
    // The parent's loaders (NODE_OPTIONS) stay out of the model's process.
    env: childEnvironment({ NODE_OPTIONS: "" }),
  });
  let peak = 0;
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const result = new Promise<T>((resolve, reject) => {
    let settled = false;
    let killedFor: string | null = null;
    const finish = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearInterval(watch);
      clearTimeout(timer);
      action();
    };
    const kill = (reason: string) => {
      killedFor = reason;
      child.kill("SIGKILL");
    };
    const watch = setInterval(() => {
      const rss = child.pid ? residentBytes(child.pid) : null;
      if (rss === null) return;
      peak = Math.max(peak, rss);
      if (rss > limits.memoryLimitBytes) kill(`the model used more than the memory limit of ${formatMiB(limits.memoryLimitBytes)} (${formatMiB(rss)} resident)`);
    }, 100);
    const timer = setTimeout(() => kill(`the model did not finish within the time limit of ${Math.round(limits.timeoutMs / 1000)} s`), limits.timeoutMs);
    child.on("message", (message: SandboxMessage) => {
      if (message.type === "progress") options.onProgress?.(message.progress);
      else if (message.type === "result") finish(() => resolve(message.result as T));
      else finish(() => reject(message.fault === "model" ? new ModelFault(message.message) : new Error(message.message)));
    });
    child.on("error", (error) => finish(() => reject(error)));
    child.on("exit", (code, signal) => {
      finish(() => {
        if (killedFor) reject(new ModelFault(killedFor));
        else {
          const detail = stderr.trim().split("\n").filter(Boolean).slice(-1)[0] ?? "";
          // A crash inside onnxruntime while running the participant's graph is the model's fault.
          reject(new ModelFault(`the model crashed onnxruntime (${signal ? `signal ${signal}` : `exit code ${code}`})${detail ? `: ${detail.slice(0, 300)}` : ""}`));
        }
      });
    });
    child.send(task);
  });
  return { result, peakBytes: () => peak, kill: () => child.kill("SIGKILL") };
}
