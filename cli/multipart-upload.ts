import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { AppError } from "../lib/errors/app-error";
import type { ApiClient } from "./api-client";
import { configDir } from "./config-file";
import type { CliIO } from "./podium";
import { createProgressBar } from "./progress";

// Sends a file straight to storage in parts through presigned URLs (dataset archives, models): each part retried,
// and the whole upload resumed when the same command runs again after a dropped connection.

interface UploadState {
  id: string;
  uploadId: string;
  partSize: number;
  parts: Record<string, string>;
  extra: Record<string, unknown>;
}

export interface StartedUpload {
  /** The server's id of the thing being uploaded (dataset version, submission). */
  id: string;
  uploadId: string;
  partSize: number;
  /** Anything else the caller wants back on resume (e.g. a version number). */
  extra?: Record<string, unknown>;
}

/** Retries transient failures (network, 5xx) with exponential back-off; other errors end at once. */
export async function withRetries<T>(attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (tries >= 5 || (error instanceof AppError && error.code !== "UNAVAILABLE" && error.code !== "INTERNAL")) throw error;
      await new Promise((wake) => setTimeout(wake, 500 * 2 ** tries));
    }
  }
}

/**
 * Uploads `path`'s parts; `start` opens the upload on the server, `partsPath(id)` is the endpoint that presigns part
 * URLs. Returns the completed parts for the caller's own `complete` call; then call `done()` to forget the resume state.
 */
export async function uploadInParts(
  client: ApiClient,
  options: { path: string; scope: string; partsPath: (id: string) => string; start: () => Promise<StartedUpload>; io: CliIO; describeResume: (state: StartedUpload, partsSent: number) => string },
): Promise<{ upload: StartedUpload; parts: { partNumber: number; etag: string }[]; done: () => void }> {
  const { path } = options;
  const { size, mtimeMs } = statSync(path);
  const stateDir = join(configDir(), "uploads");
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const statePath = join(stateDir, `${createHash("sha256").update(`${client.config.server}\n${options.scope}\n${resolve(path)}\n${size}\n${mtimeMs}`).digest("hex").slice(0, 24)}.json`);
  let state: UploadState | null = existsSync(statePath) ? (JSON.parse(readFileSync(statePath, "utf8")) as UploadState) : null;
  if (state) {
    // Resume only if the server still has this upload open.
    const probe = await client.request("POST", options.partsPath(state.id), { uploadId: state.uploadId, partNumbers: [1] }).catch(() => null);
    if (probe) options.io.stderr(options.describeResume({ id: state.id, uploadId: state.uploadId, partSize: state.partSize, extra: state.extra }, Object.keys(state.parts).length));
    else state = null;
  }
  if (!state) {
    const started = await options.start();
    state = { id: started.id, uploadId: started.uploadId, partSize: started.partSize, parts: {}, extra: started.extra ?? {} };
    writeFileSync(statePath, JSON.stringify(state));
  }
  const current = state;
  const partCount = Math.max(1, Math.ceil(size / current.partSize));
  const bar = createProgressBar(`uploading ${basename(path)}`, size);
  let sent = Object.keys(current.parts).reduce((sum, n) => sum + Math.min(current.partSize, size - (Number(n) - 1) * current.partSize), 0);
  bar.update(sent);
  const pending = Array.from({ length: partCount }, (_, i) => i + 1).filter((n) => !current.parts[n]);
  const file = await open(path, "r");
  try {
    const sendPart = async (partNumber: number) => {
      const start = (partNumber - 1) * current.partSize;
      const length = Math.min(current.partSize, size - start);
      const bytes = Buffer.alloc(length);
      await file.read(bytes, 0, length, start);
      const etag = await withRetries(async () => {
        const { parts } = await client.request<{ parts: { url: string }[] }>("POST", options.partsPath(current.id), { uploadId: current.uploadId, partNumbers: [partNumber] });
        // A folder store's part URLs are relative to the server (S3's are absolute).
        const response = await fetch(client.resolve(parts[0]!.url), { method: "PUT", body: new Uint8Array(bytes) }).catch((error: Error) => {
          throw new AppError("UNAVAILABLE", `part ${partNumber}: ${error.message}`);
        });
        if (!response.ok) throw new AppError(response.status >= 500 ? "UNAVAILABLE" : "BAD_REQUEST", `part ${partNumber}: storage answered ${response.status} ${await response.text()}`);
        return response.headers.get("etag") ?? "";
      });
      current.parts[partNumber] = etag;
      writeFileSync(statePath, JSON.stringify(current));
      sent += length;
      bar.update(sent);
    };
    // Two parts in flight keep the connection busy without holding much memory.
    const queue = [...pending];
    await Promise.all(
      [0, 1].map(async () => {
        for (let next = queue.shift(); next !== undefined; next = queue.shift()) await sendPart(next);
      }),
    );
  } finally {
    await file.close();
    bar.finish();
  }
  return {
    upload: { id: current.id, uploadId: current.uploadId, partSize: current.partSize, extra: current.extra },
    parts: Object.entries(current.parts).map(([partNumber, etag]) => ({ partNumber: Number(partNumber), etag })),
    done: () => rmSync(statePath, { force: true }),
  };
}
