import "server-only";
import type { BlobStore } from "@/lib/storage/blob-store";
import { createBlobStore, resolveSecret } from "@/lib/storage/create-blob-store";

// The server's one blob store, shared across requests and hot reloads.
const holder = globalThis as unknown as { podiumBlobStore?: BlobStore; podiumSecret?: string };

export function getBlobStore(): BlobStore {
  holder.podiumBlobStore ??= createBlobStore();
  return holder.podiumBlobStore;
}

export function getSigningSecret(): string {
  holder.podiumSecret ??= resolveSecret();
  return holder.podiumSecret;
}
