import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { sandboxEnvironment, settings } from "../config/env";
import { ModelFault } from "./embed-images";
import { failurePhaseOf, type FailureCategory } from "./failure-vocabulary";
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

// At most PODIUM_MAX_SANDBOXES model processes per server or worker at once (each may use the model memory limit):
// uploads checked at once and jobs wait for a slot instead of all running.
let sandboxesRunning = 0;
const waitingForSandbox: (() => void)[] = [];

async function acquireSandbox(max: number): Promise<() => void> {
  if (sandboxesRunning >= max) await new Promise<void>((resolve) => waitingForSandbox.push(resolve));
  sandboxesRunning++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    sandboxesRunning--;
    waitingForSandbox.shift()?.();
  };
}

/** Model processes running and waiting for a slot in this process (for tests and the dashboard). */
export function sandboxOccupancy(): { running: number; waiting: number } {
  return { running: sandboxesRunning, waiting: waitingForSandbox.length };
}

export function runInSandbox<T extends SandboxResult>(
  task: SandboxTask,
  limits: SandboxLimits,
  options: { root?: string; onProgress?: (progress: SandboxProgress) => void; maxConcurrent?: number } = {},
): SandboxRun<T> {
  let child: ChildProcess | null = null;
  let cancelled = false;
  let peak = 0;
  const result = acquireSandbox(options.maxConcurrent ?? settings().worker.maxSandboxes).then((release) => {
    if (cancelled) {
      release();
      return Promise.reject(new Error("the sandbox run was cancelled before it started"));
    }
    const running = startSandbox<T>(task, limits, options, (spawned) => (child = spawned), (bytes) => (peak = Math.max(peak, bytes)));
    return running.finally(release);
  });
  return {
    result,
    peakBytes: () => peak,
    kill: () => {
      cancelled = true;
      child?.kill("SIGKILL");
    },
  };
}

function startSandbox<T extends SandboxResult>(
  task: SandboxTask,
  limits: SandboxLimits,
  options: { root?: string; onProgress?: (progress: SandboxProgress) => void },
  onSpawn: (child: ChildProcess) => void,
  onResident: (bytes: number) => void,
): Promise<T> {
  const entry = childEntry(options.root ?? process.cwd());
  // spawn with an IPC channel rather than fork: Turbopack resolves fork()'s path as a module at build time
  // (vercel/next.js#97952).
  const child: ChildProcess = spawn(process.execPath, [...entry.execArgv, entry.path], {
    serialization: "advanced",
    stdio: ["ignore", "ignore", "pipe", "ipc"],
    // Nothing of the parent's environment but what the runtime needs: no secrets, no loaders (NODE_OPTIONS).
    env: sandboxEnvironment(),
  });
  onSpawn(child);
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const result = new Promise<T>((resolve, reject) => {
    let settled = false;
    let killedFor: { reason: string; category: FailureCategory } | null = null;
    // The phase of the last progress report: where a kill or a crash happened.
    let phase: string | null = null;
    const finish = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearInterval(watch);
      clearTimeout(timer);
      action();
    };
    const kill = (reason: string, category: FailureCategory) => {
      killedFor = { reason, category };
      child.kill("SIGKILL");
    };
    const watch = setInterval(() => {
      const rss = child.pid ? residentBytes(child.pid) : null;
      if (rss === null) return;
      onResident(rss);
      if (rss > limits.memoryLimitBytes) kill(`the model used more than the memory limit of ${formatMiB(limits.memoryLimitBytes)} (${formatMiB(rss)} resident)`, "out-of-memory");
    }, 100);
    const timer = setTimeout(() => kill(`the model did not finish within the time limit of ${Math.round(limits.timeoutMs / 1000)} s`, "timed-out"), limits.timeoutMs);
    child.on("message", (message: SandboxMessage) => {
      if (message.type === "progress") {
        phase = message.progress.phase;
        options.onProgress?.(message.progress);
      } else if (message.type === "result") finish(() => resolve(message.result as T));
      else finish(() => reject(message.fault === "model" ? new ModelFault(message.message, message.category, message.phase) : new Error(message.message)));
    });
    child.on("error", (error) => finish(() => reject(error)));
    child.on("exit", (code, signal) => {
      finish(() => {
        const stopped = killedFor as { reason: string; category: FailureCategory } | null;
        if (stopped) reject(new ModelFault(stopped.reason, stopped.category, failurePhaseOf(phase)));
        else {
          // The end of what the process printed, whole (organizers only: the team sees the fixed vocabulary), without
          // Node's closing version line, which was all an organizer saw of an uncaught error before.
          const detail = stderr
            .trim()
            .split("\n")
            .filter((line) => line.trim() !== "" && !/^Node\.js v\d+/.test(line))
            .slice(-20)
            .join("\n")
            .slice(-2000);
          // A crash inside onnxruntime while running the participant's graph is the model's fault.
          reject(new ModelFault(`the model crashed onnxruntime (${signal ? `signal ${signal}` : `exit code ${code}`})${detail ? `: ${detail}` : ""}`, "crashed", failurePhaseOf(phase)));
        }
      });
    });
    child.send(task);
  });
  return result;
}
