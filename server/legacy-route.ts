import "server-only";
import { settings } from "@/lib/config/env";
import { getDatabase } from "@/lib/db/client";
import { isDatabaseUnreachable } from "@/lib/db/database-unreachable";
import { isAppError } from "@/lib/errors/app-error";
import { clientAddressOf } from "@/lib/rate-limits/client-address";
import { handleLegacySubmission } from "@/lib/submissions/legacy-endpoint";
import { MAX_RESULTS_FILE_BYTES, readBodyLimited } from "@/lib/api/read-body";
import { getBlobStore } from "@/server/storage";

const plain = (status: number, text: string) => new Response(`${text}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8" } });

/** POST /retrieval/ and /c/{slug}/retrieval/: raw JSON in, `{"accuracy"}` or a plain-text reason out. */
export async function legacyRetrievalPost(request: Request, slug: string | null): Promise<Response> {
  try {
    const body = await readBodyLimited(request, MAX_RESULTS_FILE_BYTES);
    const url = new URL(request.url);
    const header = request.headers.get("authorization");
    const token = header && /^bearer\s+/i.test(header) ? header.replace(/^bearer\s+/i, "").trim() : url.searchParams.get("token");
    const clientAddress = clientAddressOf(request.headers.get("x-forwarded-for"), settings().env.PODIUM_TRUSTED_PROXY_HOPS);
    const reply = await handleLegacySubmission(await getDatabase(), getBlobStore(), { slug, body, token, clientAddress });
    if (reply.json) return Response.json(reply.json, { status: reply.status });
    const response = plain(reply.status, reply.text ?? "");
    if (reply.retryAfterSeconds) response.headers.set("retry-after", String(reply.retryAfterSeconds));
    return response;
  } catch (error) {
    if (isAppError(error)) {
      const refusal = plain(error.status, error.message);
      if (error.retryAfterSeconds) refusal.headers.set("retry-after", String(error.retryAfterSeconds));
      return refusal;
    }
    if (isDatabaseUnreachable(error)) {
      const retry = plain(503, "the database cannot be reached just now; try again in a few seconds (an entry recorded before the failure is on your team's page)");
      retry.headers.set("retry-after", "5");
      return retry;
    }
    const id = crypto.randomUUID();
    console.error(`[retrieval ${id}]`, error);
    return plain(500, `the server failed to score this (log id ${id}); your file may be recorded — check the competition page`);
  }
}
