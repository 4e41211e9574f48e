export * from "./blob-store";
export { createBlobStore, resolveSecret } from "./create-blob-store";
export { FolderBlobStore } from "./folder-blob-store";
export { S3BlobStore } from "./s3-blob-store";
export { handleFolderBlobRequest } from "./folder-blob-route";
