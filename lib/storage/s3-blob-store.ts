import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { Readable } from "node:stream";
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

export interface S3BlobStoreOptions {
  bucket: string;
  region: string;
  endpoint?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle?: boolean;
}

/** Server-side streaming uploads go up in parts of this size (S3's minimum part is 5 MiB). */
const STREAM_PART_SIZE = 8 * 1024 * 1024;

/** Blob storage on AWS S3 or any S3-compatible server (Ceph RGW in the tests). */
export class S3BlobStore implements BlobStore {
  readonly kind = "s3" as const;
  readonly bucket: string;
  readonly client: S3Client;

  constructor(options: S3BlobStoreOptions) {
    this.bucket = options.bucket;
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle ?? false,
      credentials:
        options.accessKeyId && options.secretAccessKey ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey } : undefined,
      // Without these, presigned PUT URLs carry the checksum of an empty body (STACK.md).
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
  }

  async put(key: string, body: Uint8Array | string | Readable, options: { contentType?: string } = {}) {
    assertValidKey(key);
    if (!(body instanceof Readable)) {
      const bytes = Buffer.from(body);
      const out = await this.call(key, () => this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes, ContentType: options.contentType })));
      return { size: bytes.length, etag: out.ETag ?? null };
    }
    return this.putStream(key, body, options.contentType);
  }

  /** Streams of unknown length go up as a multipart upload, one buffered part at a time (bounded memory). */
  private async putStream(key: string, body: Readable, contentType?: string) {
    const uploadId = await this.createMultipartUpload(key, { contentType });
    const parts: CompletedPart[] = [];
    let size = 0;
    try {
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      const flush = async () => {
        const partNumber = parts.length + 1;
        const out = await this.call(key, () => this.client.send(new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, Body: Buffer.concat(pending, pendingBytes) })));
        parts.push({ partNumber, etag: out.ETag ?? "" });
        pending = [];
        pendingBytes = 0;
      };
      for await (const chunk of body) {
        const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
        pending.push(buffer);
        pendingBytes += buffer.length;
        size += buffer.length;
        if (pendingBytes >= STREAM_PART_SIZE) await flush();
      }
      if (pendingBytes > 0 || parts.length === 0) await flush();
      await this.completeMultipartUpload(key, uploadId, parts);
    } catch (error) {
      await this.abortMultipartUpload(key, uploadId).catch(() => {});
      throw error;
    }
    const info = await this.head(key);
    return { size, etag: info?.etag ?? null };
  }

  async get(key: string): Promise<Buffer> {
    const stream = await this.stream(key);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async stream(key: string, range?: { start: number; end?: number }): Promise<Readable> {
    assertValidKey(key);
    const out = await this.call(key, () => this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range ? `bytes=${range.start}-${range.end ?? ""}` : undefined })));
    return out.Body as Readable;
  }

  async head(key: string): Promise<BlobInfo | null> {
    assertValidKey(key);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { key, size: out.ContentLength ?? 0, etag: out.ETag ?? null, lastModified: out.LastModified ?? new Date(0), contentType: out.ContentType ?? null };
    } catch (error) {
      if (error instanceof S3ServiceException && (error.$metadata.httpStatusCode === 404 || error.name === "NotFound")) return null;
      throw mapS3Error(error, key);
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    await this.call(key, () => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })));
  }

  async list(prefix: string, options: { cursor?: string | null; limit?: number } = {}): Promise<ListPage> {
    const out = await this.call(prefix, () => this.client.send(new ListObjectsV2Command({
        Bucket: this.bucket,
        Prefix: prefix,
        MaxKeys: Math.min(Math.max(options.limit ?? 1000, 1), 1000),
        ContinuationToken: options.cursor ?? undefined,
      })));
    return {
      items: (out.Contents ?? []).map((item) => ({
        key: item.Key!,
        size: item.Size ?? 0,
        etag: item.ETag ?? null,
        lastModified: item.LastModified ?? new Date(0),
        contentType: null,
      })),
      nextCursor: out.IsTruncated ? (out.NextContinuationToken ?? null) : null,
    };
  }

  async presignPut(key: string, options: { expiresIn: number; contentType?: string }): Promise<string> {
    assertValidKey(key);
    assertValidExpiry(options.expiresIn);
    return getSignedUrl(this.client, new PutObjectCommand({ Bucket: this.bucket, Key: key, ContentType: options.contentType }), { expiresIn: options.expiresIn });
  }

  async presignGet(key: string, options: { expiresIn: number; downloadName?: string }): Promise<string> {
    assertValidKey(key);
    assertValidExpiry(options.expiresIn);
    const disposition = options.downloadName ? `attachment; filename="${options.downloadName.replace(/[^\w.-]/g, "_")}"` : undefined;
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key, ResponseContentDisposition: disposition }), {
      expiresIn: options.expiresIn,
    });
  }

  async createMultipartUpload(key: string, options: { contentType?: string } = {}): Promise<string> {
    assertValidKey(key);
    const out = await this.call(key, () => this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType: options.contentType })));
    return out.UploadId!;
  }

  async presignUploadPart(key: string, uploadId: string, partNumber: number, options: { expiresIn: number }): Promise<string> {
    assertValidKey(key);
    assertValidPartNumber(partNumber);
    assertValidExpiry(options.expiresIn);
    return getSignedUrl(this.client, new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumber: partNumber }), {
      expiresIn: options.expiresIn,
    });
  }

  async completeMultipartUpload(key: string, uploadId: string, parts: CompletedPart[]): Promise<void> {
    assertValidKey(key);
    const sorted = [...parts].sort((a, b) => a.partNumber - b.partNumber);
    await this.call(key, () => this.client.send(new CompleteMultipartUploadCommand({
        Bucket: this.bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: sorted.map((part) => ({ PartNumber: part.partNumber, ETag: part.etag })) },
      })));
  }

  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    assertValidKey(key);
    await this.call(key, () => this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId })));
  }

  private async call<T>(key: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw mapS3Error(error, key);
    }
  }
}

/** S3 failures that mean something to a user become AppErrors; the rest propagate unchanged. */
function mapS3Error(error: unknown, key: string): unknown {
  if (!(error instanceof S3ServiceException)) return error;
  const status = error.$metadata.httpStatusCode;
  if (status === 404 || error.name === "NoSuchKey") return new AppError("NOT_FOUND", `no object ${key}`, { cause: error });
  if (error.name === "NoSuchUpload") return new AppError("NOT_FOUND", `no multipart upload for ${key}`, { cause: error });
  if (status === 403) return new AppError("FORBIDDEN", `storage refused access to ${key}: ${error.name}`, { cause: error });
  if (error.name === "InvalidPart" || error.name === "InvalidPartOrder" || error.name === "EntityTooSmall") {
    return new AppError("BAD_REQUEST", `multipart upload of ${key} cannot complete: ${error.message}`, { cause: error });
  }
  return error;
}
