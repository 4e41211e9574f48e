import { Readable } from "node:stream";
import type { ReadableStream as NodeWebReadableStream } from "node:stream/web";
import { isAppError } from "../errors/app-error";
import type { FolderBlobStore } from "./folder-blob-store";
import { verifyClaims, type SignedClaims, type SignedOperation } from "./signed-url";

const PREFIX = "/api/blobs/";

function text(status: number, message: string): Response {
  return new Response(`${message}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

function claimsOf(url: URL): { claims: SignedClaims; signature: string } | string {
  if (!url.pathname.startsWith(PREFIX)) return "not a blob URL";
  let key: string;
  try {
    key = url.pathname.slice(PREFIX.length).split("/").map(decodeURIComponent).join("/");
  } catch {
    return "malformed key";
  }
  const op = url.searchParams.get("op");
  const expires = Number(url.searchParams.get("expires"));
  const signature = url.searchParams.get("sig");
  if (op !== "get" && op !== "put" && op !== "part") return "missing or unknown op";
  if (!Number.isInteger(expires) || signature === null) return "missing expiry or signature";
  const partNumber = url.searchParams.get("partNumber");
  return {
    claims: {
      op: op as SignedOperation,
      key,
      expires,
      uploadId: url.searchParams.get("uploadId") ?? undefined,
      partNumber: partNumber === null ? undefined : Number(partNumber),
      downloadName: url.searchParams.get("download") ?? undefined,
    },
    signature,
  };
}

/**
 * Serves the folder driver's signed URLs (its stand-in for S3 presigned URLs): GET/HEAD for `op=get`,
 * PUT for `op=put` and `op=part`. Every request is checked against its HMAC and expiry first.
 */
export async function handleFolderBlobRequest(request: Request, store: FolderBlobStore, secret: string): Promise<Response> {
  const parsed = claimsOf(new URL(request.url));
  if (typeof parsed === "string") return text(400, `bad blob URL: ${parsed}`);
  const { claims, signature } = parsed;
  const verdict = verifyClaims(claims, signature, secret);
  if (!verdict.ok) return text(403, `access denied: ${verdict.reason}`);

  const method = request.method.toUpperCase();
  try {
    if (claims.op === "get" && (method === "GET" || method === "HEAD")) {
      const info = await store.head(claims.key);
      if (!info) return text(404, `no object ${claims.key}`);
      const headers = new Headers({
        "content-length": String(info.size),
        "content-type": info.contentType ?? "application/octet-stream",
        "cache-control": "private, no-store",
      });
      if (info.etag) headers.set("etag", info.etag);
      if (claims.downloadName) headers.set("content-disposition", `attachment; filename="${claims.downloadName.replace(/[^\w.-]/g, "_")}"`);
      if (method === "HEAD") return new Response(null, { status: 200, headers });
      const body = Readable.toWeb(await store.stream(claims.key)) as unknown as ReadableStream;
      return new Response(body, { status: 200, headers });
    }
    if ((claims.op === "put" || claims.op === "part") && method === "PUT") {
      const body = request.body ? Readable.fromWeb(request.body as unknown as NodeWebReadableStream) : Readable.from([]);
      const etag =
        claims.op === "put"
          ? (await store.put(claims.key, body, { contentType: request.headers.get("content-type") ?? undefined })).etag
          : await store.putPart(claims.key, claims.uploadId ?? "", claims.partNumber ?? 0, body);
      return new Response(null, { status: 200, headers: etag ? { etag, "access-control-expose-headers": "ETag" } : {} });
    }
    return text(405, `method ${method} not allowed for op=${claims.op}`);
  } catch (error) {
    if (isAppError(error)) return text(error.status, error.message);
    throw error;
  }
}
