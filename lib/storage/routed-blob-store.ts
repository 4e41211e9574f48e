import type { BlobStore } from "./blob-store";

/**
 * Keys under one prefix kept in a second store: on AWS, submissions/ (results files, models, generated results) live in
 * their own bucket, so the worker's and the web tier's policies can name each bucket and prefix they may touch.
 */
export function routeByPrefix(main: BlobStore, prefix: string, other: BlobStore): BlobStore {
  const pick = (key: string) => (key.startsWith(prefix) ? other : main);
  return {
    kind: main.kind,
    put: (key, body, options) => pick(key).put(key, body, options),
    get: (key) => pick(key).get(key),
    stream: (key, range) => pick(key).stream(key, range),
    head: (key) => pick(key).head(key),
    delete: (key) => pick(key).delete(key),
    list: (listPrefix, options) => pick(listPrefix).list(listPrefix, options),
    presignPut: (key, options) => pick(key).presignPut(key, options),
    presignGet: (key, options) => pick(key).presignGet(key, options),
    createMultipartUpload: (key, options) => pick(key).createMultipartUpload(key, options),
    presignUploadPart: (key, uploadId, partNumber, options) => pick(key).presignUploadPart(key, uploadId, partNumber, options),
    completeMultipartUpload: (key, uploadId, parts) => pick(key).completeMultipartUpload(key, uploadId, parts),
    abortMultipartUpload: (key, uploadId) => pick(key).abortMultipartUpload(key, uploadId),
  };
}
