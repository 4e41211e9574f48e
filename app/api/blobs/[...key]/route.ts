// GET|HEAD|PUT /api/blobs/{key}?op=…&expires=…&sig=… — the folder driver's signed upload and download URLs.
// Every request is checked against its HMAC signature and expiry; on S3 deployments this route answers 404.
import { handleFolderBlobRequest } from "@/lib/storage/folder-blob-route";
import { FolderBlobStore } from "@/lib/storage/folder-blob-store";
import { getBlobStore, getSigningSecret } from "@/server/storage";

export const dynamic = "force-dynamic";

async function handle(request: Request): Promise<Response> {
  const store = getBlobStore();
  if (!(store instanceof FolderBlobStore)) return new Response("not found\n", { status: 404 });
  return handleFolderBlobRequest(request, store, getSigningSecret());
}

export { handle as GET, handle as HEAD, handle as PUT };
