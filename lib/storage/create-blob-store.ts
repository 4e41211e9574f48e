import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { settings, type Settings } from "../config/env";
import type { BlobStore } from "./blob-store";
import { FolderBlobStore } from "./folder-blob-store";
import { routeByPrefix } from "./routed-blob-store";
import { S3BlobStore } from "./s3-blob-store";

/**
 * The signing secret: PODIUM_SECRET, or one generated once into the data folder so signed URLs survive restarts
 * of the embedded server.
 */
export function resolveSecret(config: Settings = settings()): string {
  if (config.secret) return config.secret;
  const path = join(config.dataDir, "secret");
  if (!existsSync(path)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(path, randomBytes(32).toString("base64url"), { mode: 0o600, flag: "wx" });
  }
  return readFileSync(path, "utf8").trim();
}

/** S3 when S3_BUCKET is set (submissions/ in S3_SUBMISSIONS_BUCKET when that is set too), else the folder under PODIUM_DATA_DIR/blobs. */
export function createBlobStore(config: Settings = settings()): BlobStore {
  const { storage } = config;
  if (storage.kind === "s3" && storage.s3) {
    const main = new S3BlobStore(storage.s3);
    const { submissionsBucket } = storage.s3;
    return submissionsBucket && submissionsBucket !== storage.s3.bucket ? routeByPrefix(main, "submissions/", new S3BlobStore({ ...storage.s3, bucket: submissionsBucket })) : main;
  }
  // Relative signed URLs: the server that hands them out serves them, on whatever host and port it was reached.
  return new FolderBlobStore({ root: storage.folder, baseUrl: "", secret: resolveSecret(config) });
}
