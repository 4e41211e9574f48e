import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../lib/errors/app-error";
import type { BlobStore } from "../../lib/storage/blob-store";
import { FolderBlobStore } from "../../lib/storage/folder-blob-store";
import { handleFolderBlobRequest } from "../../lib/storage/folder-blob-route";
import { S3BlobStore } from "../../lib/storage/s3-blob-store";
import { serveRequestHandler } from "../helpers/serve-request-handler";
import { createS3Store, s3Settings } from "../helpers/services";

// One contract, two drivers: the folder store (served by its signed-URL route) and S3 on a real Ceph RGW.

interface Harness {
  store: BlobStore;
  /** The same store with wrong credentials (S3) or a wrong signing secret (folder). */
  impostor: BlobStore;
  dispose: () => Promise<void>;
}

async function folderHarness(): Promise<Harness> {
  const root = mkdtempSync(join(tmpdir(), "podium-blobs-"));
  const holder: { store?: FolderBlobStore } = {};
  const server = await serveRequestHandler((request) => handleFolderBlobRequest(request, holder.store!, "right-secret"));
  const store = (holder.store = new FolderBlobStore({ root, baseUrl: server.url, secret: "right-secret" }));
  const impostor = new FolderBlobStore({ root, baseUrl: server.url, secret: "wrong-secret" });
  return {
    store,
    impostor,
    async dispose() {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

async function s3Harness(): Promise<Harness> {
  const created = await createS3Store();
  const settings = s3Settings();
  const impostor = new S3BlobStore({ ...settings, bucket: created.bucket, secretAccessKey: `${settings.secretAccessKey}-wrong` });
  return { store: created.store, impostor, dispose: created.dispose };
}

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Deterministic pseudo-random bytes, so the 64 MB upload needs no fixture file. */
function seededBytes(size: number, seed: number): Buffer {
  const buffer = Buffer.allocUnsafe(size);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < size; i += 4) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    buffer.writeUInt32LE(state >>> 0, i);
  }
  return buffer;
}

describe.each([
  ["folder", folderHarness],
  ["s3 (Ceph RGW)", s3Harness],
] as const)("BlobStore contract: %s driver", (_name, makeHarness) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await makeHarness();
  });
  afterAll(async () => {
    await harness?.dispose();
  });

  it("puts, heads, gets and deletes objects", async () => {
    const { store } = harness;
    const put = await store.put("submissions/a/one.json", '{"x": 1}', { contentType: "application/json" });
    expect(put.size).toBe(8);
    const head = await store.head("submissions/a/one.json");
    expect(head?.size).toBe(8);
    expect(head?.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect((await store.get("submissions/a/one.json")).toString()).toBe('{"x": 1}');
    await store.delete("submissions/a/one.json");
    expect(await store.head("submissions/a/one.json")).toBeNull();
    await store.delete("submissions/a/one.json"); // idempotent
  });

  it("throws NOT_FOUND for an absent object", async () => {
    await expect(harness.store.get("nothing/here")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(harness.store.stream("nothing/here")).rejects.toBeInstanceOf(AppError);
  });

  it("stores a stream of unknown length and streams byte ranges back", async () => {
    const data = seededBytes(12 * 1024 * 1024, 7);
    const put = await harness.store.put("big/stream.bin", Readable.from([data.subarray(0, 5_000_000), data.subarray(5_000_000)]));
    expect(put.size).toBe(data.length);
    expect(sha256(await readAll(await harness.store.stream("big/stream.bin")))).toBe(sha256(data));
    const slice = await readAll(await harness.store.stream("big/stream.bin", { start: 100, end: 199 }));
    expect(slice.equals(data.subarray(100, 200))).toBe(true);
  });

  it("lists by prefix with pagination", async () => {
    const keys = ["list/a/1", "list/a/2", "list/a/3", "list/ab/1", "list/b/1", "list/a/sub/4", "other/1"];
    await Promise.all(keys.map((key) => harness.store.put(key, key)));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await harness.store.list("list/a/", { cursor, limit: 2 });
      seen.push(...page.items.map((item) => item.key));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null);
    expect(seen.sort()).toEqual(["list/a/1", "list/a/2", "list/a/3", "list/a/sub/4"]);
    expect(pages).toBe(2);
    const partial = await harness.store.list("list/a");
    expect(partial.items.map((item) => item.key).sort()).toEqual(["list/a/1", "list/a/2", "list/a/3", "list/a/sub/4", "list/ab/1"]);
  });

  it("rejects keys that could escape or differ between drivers", async () => {
    for (const key of ["../etc/passwd", "/abs", "a//b", "a/./b", "", "a/", "with space", "semi;colon"]) {
      await expect(harness.store.put(key, "x"), key).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }
  });

  it("serves presigned PUT and GET URLs to plain fetch", async () => {
    const { store } = harness;
    const putUrl = await store.presignPut("presigned/file.txt", { expiresIn: 60 });
    const upload = await fetch(putUrl, { method: "PUT", body: "hello through a presigned URL" });
    expect(upload.status).toBe(200);
    const getUrl = await store.presignGet("presigned/file.txt", { expiresIn: 60, downloadName: "file.txt" });
    const download = await fetch(getUrl);
    expect(download.status).toBe(200);
    expect(await download.text()).toBe("hello through a presigned URL");
    expect(download.headers.get("content-disposition")).toContain("file.txt");
  });

  it("refuses an expired presigned URL", async () => {
    await harness.store.put("expiring/x", "secret");
    const url = await harness.store.presignGet("expiring/x", { expiresIn: 1 });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const response = await fetch(url);
    expect(response.status).toBe(403);
  });

  it("refuses a tampered signature and a URL for another key", async () => {
    await harness.store.put("tamper/x", "secret");
    const url = new URL(await harness.store.presignGet("tamper/x", { expiresIn: 60 }));
    const signatureParam = url.searchParams.has("sig") ? "sig" : "X-Amz-Signature";
    const signature = url.searchParams.get(signatureParam)!;
    url.searchParams.set(signatureParam, signature.slice(0, -2) + (signature.endsWith("aa") ? "bb" : "aa"));
    expect((await fetch(url)).status).toBe(403);
    const other = new URL(await harness.store.presignGet("tamper/x", { expiresIn: 60 }));
    other.pathname = other.pathname.replace("tamper/x", "tamper/y");
    expect((await fetch(other)).status).toBe(403);
  });

  it("rejects wrong credentials", async () => {
    await harness.store.put("creds/x", "secret");
    const url = await harness.impostor.presignGet("creds/x", { expiresIn: 60 });
    expect((await fetch(url)).status).toBe(403);
    const putUrl = await harness.impostor.presignPut("creds/y", { expiresIn: 60 });
    expect((await fetch(putUrl, { method: "PUT", body: "intruder" })).status).toBe(403);
    expect(await harness.store.head("creds/y")).toBeNull();
    if (harness.store.kind === "s3") await expect(harness.impostor.put("creds/z", "x")).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("completes a 64 MB multipart upload through presigned part URLs, checked by sha256", async () => {
    const { store } = harness;
    const partSize = 16 * 1024 * 1024;
    const key = "multipart/archive.bin";
    const uploadId = await store.createMultipartUpload(key, { contentType: "application/octet-stream" });
    const whole = createHash("sha256");
    const parts = [];
    for (let partNumber = 1; partNumber <= 4; partNumber++) {
      const bytes = seededBytes(partSize, partNumber);
      whole.update(bytes);
      const url = await store.presignUploadPart(key, uploadId, partNumber, { expiresIn: 300 });
      const response = await fetch(url, { method: "PUT", body: new Uint8Array(bytes) });
      expect(response.status).toBe(200);
      const etag = response.headers.get("etag");
      expect(etag).toBeTruthy();
      parts.push({ partNumber, etag: etag! });
    }
    await store.completeMultipartUpload(key, uploadId, parts.reverse());
    const head = await store.head(key);
    expect(head?.size).toBe(4 * partSize);
    const streamed = createHash("sha256");
    for await (const chunk of await store.stream(key)) streamed.update(chunk as Buffer);
    expect(streamed.digest("hex")).toBe(whole.digest("hex"));
  });

  it("aborts a multipart upload so it can no longer complete", async () => {
    const { store } = harness;
    const key = "multipart/aborted.bin";
    const uploadId = await store.createMultipartUpload(key);
    const url = await store.presignUploadPart(key, uploadId, 1, { expiresIn: 60 });
    const response = await fetch(url, { method: "PUT", body: new Uint8Array(seededBytes(1024, 3)) });
    const etag = response.headers.get("etag")!;
    await store.abortMultipartUpload(key, uploadId);
    // AWS answers NoSuchUpload; Ceph 16 answers 500 "completion already in progress". Either way it must fail.
    await expect(store.completeMultipartUpload(key, uploadId, [{ partNumber: 1, etag }])).rejects.toThrow();
    expect(await store.head(key)).toBeNull();
  });

  it("rejects a completion that names a part with the wrong ETag", async () => {
    const { store } = harness;
    const key = "multipart/wrong-etag.bin";
    const uploadId = await store.createMultipartUpload(key);
    const url = await store.presignUploadPart(key, uploadId, 1, { expiresIn: 60 });
    await fetch(url, { method: "PUT", body: new Uint8Array(seededBytes(1024, 4)) });
    await expect(store.completeMultipartUpload(key, uploadId, [{ partNumber: 1, etag: '"00000000000000000000000000000000"' }])).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await store.abortMultipartUpload(key, uploadId);
  });
});
