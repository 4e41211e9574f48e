import type { PodiumPrisma } from "../../lib/db/open-database";
import type { Actor } from "../../lib/auth/actor";
import type { BlobStore } from "../../lib/storage/blob-store";
import { completeDatasetUpload, presignDatasetParts, startDatasetUpload } from "../../lib/datasets/dataset-versions";

/** Uploads an archive the way the browser and the CLI do: start, presigned part PUTs with plain fetch, complete. */
export async function uploadDatasetArchive(prisma: PodiumPrisma, store: BlobStore, actor: Actor, slug: string, fileName: string, bytes: Buffer) {
  const started = await startDatasetUpload(prisma, store, actor, slug, { fileName, size: bytes.length });
  const numbers = Array.from({ length: started.partCount }, (_, i) => i + 1);
  const urls = await presignDatasetParts(prisma, store, actor, slug, started.versionId, started.uploadId, numbers);
  const parts = [];
  for (const { partNumber, url } of urls) {
    const body = bytes.subarray((partNumber - 1) * started.partSize, partNumber * started.partSize);
    const response = await fetch(url, { method: "PUT", body: new Uint8Array(body) });
    if (response.status !== 200) throw new Error(`part ${partNumber}: ${response.status} ${await response.text()}`);
    parts.push({ partNumber, etag: response.headers.get("etag")! });
  }
  await completeDatasetUpload(prisma, store, actor, slug, started.versionId, started.uploadId, parts);
  return started;
}
