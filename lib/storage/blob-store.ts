import type { Readable } from "node:stream";
import { AppError } from "../errors/app-error";

export interface BlobInfo {
  key: string;
  size: number;
  etag: string | null;
  lastModified: Date;
  contentType: string | null;
}

export interface ListPage {
  items: BlobInfo[];
  /** Pass back to get the next page; null on the last page. */
  nextCursor: string | null;
}

export interface PresignOptions {
  /** Seconds the URL stays valid. */
  expiresIn: number;
}

export interface CompletedPart {
  partNumber: number;
  etag: string;
}

/**
 * Where Podium keeps bytes: submissions, dataset archives, bundles, generated results. Two drivers (S3 and a local
 * folder) pass one contract suite (tests/storage/blob-store.contract.test.ts).
 */
export interface BlobStore {
  readonly kind: "s3" | "folder";
  put(key: string, body: Uint8Array | string | Readable, options?: { contentType?: string }): Promise<{ size: number; etag: string | null }>;
  /** Whole object in memory; for small objects. Throws NOT_FOUND. */
  get(key: string): Promise<Buffer>;
  /** Streams an object, optionally a byte range (inclusive `end`). Throws NOT_FOUND. */
  stream(key: string, range?: { start: number; end?: number }): Promise<Readable>;
  /** Null when absent. */
  head(key: string): Promise<BlobInfo | null>;
  /** Idempotent: deleting an absent key succeeds. */
  delete(key: string): Promise<void>;
  list(prefix: string, options?: { cursor?: string | null; limit?: number }): Promise<ListPage>;
  presignPut(key: string, options: PresignOptions & { contentType?: string }): Promise<string>;
  presignGet(key: string, options: PresignOptions & { downloadName?: string }): Promise<string>;
  createMultipartUpload(key: string, options?: { contentType?: string }): Promise<string>;
  presignUploadPart(key: string, uploadId: string, partNumber: number, options: PresignOptions): Promise<string>;
  completeMultipartUpload(key: string, uploadId: string, parts: CompletedPart[]): Promise<void>;
  abortMultipartUpload(key: string, uploadId: string): Promise<void>;
}

/** S3 accepts parts numbered 1..10,000. */
export const MAX_PART_NUMBER = 10_000;

/**
 * Keys are relative paths of safe characters, so they mean the same on S3 and as folder paths and can never
 * escape the store's folder.
 */
export function assertValidKey(key: string): void {
  if (
    key.length === 0 ||
    key.length > 900 ||
    key.startsWith("/") ||
    key.endsWith("/") ||
    !/^[A-Za-z0-9!_.*'()\-/]+$/.test(key) ||
    key.split("/").some((segment) => segment === "" || segment === "." || segment === "..")
  ) {
    throw new AppError("BAD_REQUEST", `invalid storage key ${JSON.stringify(key)}: use letters, digits and !_.*'()- in /-separated segments`);
  }
}

export function assertValidPartNumber(partNumber: number): void {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
    throw new AppError("BAD_REQUEST", `part number ${partNumber} must be a whole number from 1 to ${MAX_PART_NUMBER}`);
  }
}

export function assertValidExpiry(expiresIn: number): void {
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > 7 * 24 * 3600) {
    throw new AppError("BAD_REQUEST", `URL expiry ${expiresIn} s must be a whole number of seconds from 1 to 604800 (7 days)`);
  }
}

/**
 * Deletes every blob under `prefix`, a page at a time (a page's deletes at once); returns how many went. `onDeleted`
 * counts as it goes, so a caller whose storage fails midway can say how far it got.
 */
export async function deleteBlobsUnder(store: BlobStore, prefix: string, onDeleted: () => void = () => {}): Promise<number> {
  let deleted = 0;
  let cursor: string | null = null;
  do {
    const page: ListPage = await store.list(prefix, { cursor, limit: 1000 });
    await Promise.all(
      page.items.map(async (item) => {
        await store.delete(item.key);
        deleted += 1;
        onDeleted();
      }),
    );
    cursor = page.nextCursor;
  } while (cursor !== null);
  return deleted;
}
