import { createHmac, timingSafeEqual } from "node:crypto";

// The folder driver's stand-in for S3 presigned URLs: an HMAC over what the URL permits and until when.

export type SignedOperation = "get" | "put" | "part";

export interface SignedClaims {
  op: SignedOperation;
  key: string;
  /** Unix seconds after which the URL is refused. */
  expires: number;
  uploadId?: string;
  partNumber?: number;
  downloadName?: string;
}

function payload(claims: SignedClaims): string {
  return [claims.op, claims.key, claims.expires, claims.uploadId ?? "", claims.partNumber ?? "", claims.downloadName ?? ""].join("\n");
}

export function signClaims(claims: SignedClaims, secret: string): string {
  return createHmac("sha256", secret).update(payload(claims)).digest("base64url");
}

export type VerifyOutcome = { ok: true } | { ok: false; reason: string };

export function verifyClaims(claims: SignedClaims, signature: string, secret: string, nowSeconds = Math.floor(Date.now() / 1000)): VerifyOutcome {
  const expected = Buffer.from(signClaims(claims, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: "signature does not match" };
  if (nowSeconds > claims.expires) return { ok: false, reason: `URL expired at ${new Date(claims.expires * 1000).toISOString()}` };
  return { ok: true };
}

/** The URL path of a key under the blob route, each segment encoded. */
export function blobPath(key: string): string {
  return `/api/blobs/${key.split("/").map(encodeURIComponent).join("/")}`;
}

/**
 * A signed URL of the blob route. With an empty `baseUrl` it is relative ("/api/blobs/…?…"): the browser resolves it
 * against the host it opened the site on — localhost, 127.0.0.1, a LAN name — and a client against its server URL.
 */
export function buildSignedUrl(baseUrl: string, claims: SignedClaims, secret: string): string {
  const url = new URL(blobPath(claims.key), `${baseUrl || "http://relative.invalid"}/`);
  url.searchParams.set("op", claims.op);
  url.searchParams.set("expires", String(claims.expires));
  if (claims.uploadId !== undefined) url.searchParams.set("uploadId", claims.uploadId);
  if (claims.partNumber !== undefined) url.searchParams.set("partNumber", String(claims.partNumber));
  if (claims.downloadName !== undefined) url.searchParams.set("download", claims.downloadName);
  url.searchParams.set("sig", signClaims(claims, secret));
  return baseUrl ? url.toString() : `${url.pathname}${url.search}`;
}
