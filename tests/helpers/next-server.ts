import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { get as httpGet } from "node:http";
import { createServer } from "node:net";
import { join } from "node:path";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  url: string;
  /** The server process (for benchmarks that account its CPU). */
  pid: number | undefined;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts the production build (`npm start`) with the given settings and waits until it answers: on a free port, or
 * on `options.port` (a server restarted where its clients expect it).
 */
export async function startNextServer(env: Record<string, string>, options: { port?: number } = {}): Promise<RunningServer> {
  if (!existsSync(join(process.cwd(), ".next", "BUILD_ID"))) {
    throw new Error("no production build: run `npm run build` first (`npm test` does)");
  }
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  // Idle sockets stay open longer than the tests' HTTP clients keep them (undici: 4 s), so a pooled connection is
  // never reused at the moment the server closes it ("other side closed" under load).
  // PODIUM_PROFILE_DIR: write a CPU profile of the server there (for benchmarks).
  const profile = process.env.PODIUM_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.PODIUM_PROFILE_DIR}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...profile, "node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1", "--keepAliveTimeout", "65000"], {
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", PORT: String(port), PODIUM_PUBLIC_URL: url, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}:\n${output}`);
    // A plain request without keep-alive: a pooled idle connection could be closed by the server under a later test.
    const status = await new Promise<number>((resolve) => {
      const probe = httpGet(`${url}/api/health`, { agent: false }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      probe.on("error", () => resolve(0));
    });
    if (status > 0 && status < 500) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`next start did not answer within 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    pid: child.pid,
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
