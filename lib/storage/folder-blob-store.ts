import { createHash, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { AppError } from "../errors/app-error";
import {
  assertValidExpiry,
  assertValidKey,
  assertValidPartNumber,
  type BlobInfo,
  type BlobStore,
  type CompletedPart,
  type ListPage,
} from "./blob-store";
import { buildSignedUrl, type SignedClaims } from "./signed-url";

interface FolderMeta {
  etag: string;
  contentType: string | null;
}

export interface FolderBlobStoreOptions {
  /** Folder holding objects/, meta/, uploads/ and tmp/. */
  root: string;
  /** Base URL of the server whose /api/blobs route serves the signed URLs; "" for relative URLs (same server). */
  baseUrl: string;
  /** HMAC secret of the signed URLs. */
  secret: string;
}

const UPLOAD_ID = /^[a-f0-9-]{36}$/;

/** Blob storage in a local folder — the embedded default. Writes land in tmp/ and are renamed into place. */
export class FolderBlobStore implements BlobStore {
  readonly kind = "folder" as const;
  readonly root: string;
  private readonly baseUrl: string;
  private readonly secret: string;

  constructor(options: FolderBlobStoreOptions) {
    this.root = options.root;
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.secret = options.secret;
  }

  private objectPath(key: string): string {
    assertValidKey(key);
    return join(this.root, "objects", ...key.split("/"));
  }

  private metaPath(key: string): string {
    return join(this.root, "meta", ...key.split("/")) + ".json";
  }

  private uploadDir(uploadId: string): string {
    if (!UPLOAD_ID.test(uploadId)) throw new AppError("NOT_FOUND", `no multipart upload ${JSON.stringify(uploadId)}`);
    return join(this.root, "uploads", uploadId);
  }

  /** Streams `body` into a temporary file, hashing it on the way; returns the file, its size and MD5. */
  private async writeTemp(body: Uint8Array | string | Readable): Promise<{ path: string; size: number; md5: string }> {
    const tmpDir = join(this.root, "tmp");
    await mkdir(tmpDir, { recursive: true });
    const path = join(tmpDir, randomUUID());
    const hash = createHash("md5");
    let size = 0;
    const source = typeof body === "string" || body instanceof Uint8Array ? Readable.from([Buffer.from(body)]) : body;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        size += chunk.length;
        callback(null, chunk);
      },
    });
    try {
      await pipeline(source, meter, createWriteStream(path));
    } catch (error) {
      await rm(path, { force: true });
      throw error;
    }
    return { path, size, md5: hash.digest("hex") };
  }

  private async install(key: string, tempPath: string, meta: FolderMeta): Promise<void> {
    const target = this.objectPath(key);
    try {
      await mkdir(dirname(target), { recursive: true });
      await mkdir(dirname(this.metaPath(key)), { recursive: true });
    } catch (error) {
      await rm(tempPath, { force: true });
      throw new AppError("CONFLICT", `cannot store ${key}: a parent of it is an object`, { cause: error });
    }
    await writeFile(this.metaPath(key), JSON.stringify(meta));
    await rename(tempPath, target);
  }

  async put(key: string, body: Uint8Array | string | Readable, options: { contentType?: string } = {}) {
    this.objectPath(key);
    const temp = await this.writeTemp(body);
    const etag = `"${temp.md5}"`;
    await this.install(key, temp.path, { etag, contentType: options.contentType ?? null });
    return { size: temp.size, etag };
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await readFile(this.objectPath(key));
    } catch (error) {
      throw notFound(key, error);
    }
  }

  async stream(key: string, range?: { start: number; end?: number }): Promise<Readable> {
    const path = this.objectPath(key);
    try {
      await stat(path);
    } catch (error) {
      throw notFound(key, error);
    }
    return createReadStream(path, range ? { start: range.start, end: range.end } : {});
  }

  async head(key: string): Promise<BlobInfo | null> {
    const path = this.objectPath(key);
    let info;
    try {
      info = await stat(path);
    } catch {
      return null;
    }
    if (!info.isFile()) return null;
    const meta = await readFile(this.metaPath(key), "utf8")
      .then((text) => JSON.parse(text) as FolderMeta)
      .catch(() => null);
    return { key, size: info.size, etag: meta?.etag ?? null, lastModified: info.mtime, contentType: meta?.contentType ?? null };
  }

  async delete(key: string): Promise<void> {
    await rm(this.objectPath(key), { force: true });
    await rm(this.metaPath(key), { force: true });
  }

  async list(prefix: string, options: { cursor?: string | null; limit?: number } = {}): Promise<ListPage> {
    const limit = Math.min(Math.max(options.limit ?? 1000, 1), 1000);
    const objects = join(this.root, "objects");
    // Start the walk at the deepest folder the prefix names; keys are then filtered by the full prefix.
    const folderPart = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "";
    if (folderPart !== "") assertValidKey(folderPart);
    const start = folderPart === "" ? objects : join(objects, ...folderPart.split("/"));
    const keys: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (entry.isFile()) {
          const key = relative(objects, path).split(sep).join("/");
          if (key.startsWith(prefix)) keys.push(key);
        }
      }
    };
    await walk(start);
    keys.sort();
    const after = options.cursor ?? null;
    const remaining = after === null ? keys : keys.filter((key) => key > after);
    const pageKeys = remaining.slice(0, limit);
    const items = (await Promise.all(pageKeys.map((key) => this.head(key)))).filter((item): item is BlobInfo => item !== null);
    return { items, nextCursor: remaining.length > limit ? pageKeys[pageKeys.length - 1]! : null };
  }

  private sign(claims: SignedClaims): string {
    return buildSignedUrl(this.baseUrl, claims, this.secret);
  }

  private expiry(expiresIn: number): number {
    assertValidExpiry(expiresIn);
    return Math.floor(Date.now() / 1000) + expiresIn;
  }

  async presignPut(key: string, options: { expiresIn: number }): Promise<string> {
    assertValidKey(key);
    return this.sign({ op: "put", key, expires: this.expiry(options.expiresIn) });
  }

  async presignGet(key: string, options: { expiresIn: number; downloadName?: string }): Promise<string> {
    assertValidKey(key);
    return this.sign({ op: "get", key, expires: this.expiry(options.expiresIn), downloadName: options.downloadName });
  }

  async createMultipartUpload(key: string, options: { contentType?: string } = {}): Promise<string> {
    assertValidKey(key);
    const uploadId = randomUUID();
    const dir = this.uploadDir(uploadId);
    await mkdir(join(dir, "parts"), { recursive: true });
    await writeFile(join(dir, "upload.json"), JSON.stringify({ key, contentType: options.contentType ?? null, createdAt: new Date().toISOString() }));
    return uploadId;
  }

  private async readUpload(key: string, uploadId: string): Promise<{ key: string; contentType: string | null }> {
    const dir = this.uploadDir(uploadId);
    const upload = await readFile(join(dir, "upload.json"), "utf8")
      .then((text) => JSON.parse(text) as { key: string; contentType: string | null })
      .catch(() => null);
    if (!upload || upload.key !== key) throw new AppError("NOT_FOUND", `no multipart upload ${uploadId} for ${key}`);
    return upload;
  }

  async presignUploadPart(key: string, uploadId: string, partNumber: number, options: { expiresIn: number }): Promise<string> {
    assertValidPartNumber(partNumber);
    await this.readUpload(key, uploadId);
    return this.sign({ op: "part", key, uploadId, partNumber, expires: this.expiry(options.expiresIn) });
  }

  /** Stores one part (the signed-URL route calls this); returns its ETag. */
  async putPart(key: string, uploadId: string, partNumber: number, body: Readable): Promise<string> {
    assertValidPartNumber(partNumber);
    await this.readUpload(key, uploadId);
    const temp = await this.writeTemp(body);
    const etag = `"${temp.md5}"`;
    const partsDir = join(this.uploadDir(uploadId), "parts");
    await writeFile(join(partsDir, `${partNumber}.etag`), etag);
    await rename(temp.path, join(partsDir, String(partNumber)));
    return etag;
  }

  async completeMultipartUpload(key: string, uploadId: string, parts: CompletedPart[]): Promise<void> {
    const upload = await this.readUpload(key, uploadId);
    if (parts.length === 0) throw new AppError("BAD_REQUEST", "a multipart upload needs at least one part");
    const partsDir = join(this.uploadDir(uploadId), "parts");
    const sorted = [...parts].sort((a, b) => a.partNumber - b.partNumber);
    for (let i = 0; i < sorted.length; i++) {
      const part = sorted[i]!;
      if (i > 0 && sorted[i - 1]!.partNumber === part.partNumber) throw new AppError("BAD_REQUEST", `part ${part.partNumber} is listed twice`);
      const stored = await readFile(join(partsDir, `${part.partNumber}.etag`), "utf8").catch(() => null);
      if (stored === null) throw new AppError("BAD_REQUEST", `part ${part.partNumber} was never uploaded`);
      if (stored.replace(/"/g, "") !== part.etag.replace(/"/g, "")) throw new AppError("BAD_REQUEST", `part ${part.partNumber}: ETag ${part.etag} does not match the uploaded part`);
    }
    const partStreams = async function* () {
      for (const part of sorted) yield* createReadStream(join(partsDir, String(part.partNumber)));
    };
    const temp = await this.writeTemp(Readable.from(partStreams()));
    const etag = `"${temp.md5}-${sorted.length}"`;
    await this.install(key, temp.path, { etag, contentType: upload.contentType });
    await rm(this.uploadDir(uploadId), { recursive: true, force: true });
  }

  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    const dir = this.uploadDir(uploadId);
    if (!existsSync(dir)) return;
    await this.readUpload(key, uploadId);
    await rm(dir, { recursive: true, force: true });
  }
}

function notFound(key: string, cause: unknown): AppError {
  return new AppError("NOT_FOUND", `no object ${key}`, { cause });
}
