import "server-only";
import { getDatabase } from "@/lib/db/client";
import { isAppError } from "@/lib/errors/app-error";
import { handleLegacySubmission } from "@/lib/submissions/legacy-endpoint";
import { MAX_RESULTS_FILE_BYTES, readBodyLimited } from "@/server/read-body";
import { getBlobStore } from "@/server/storage";

const plain = (status: number, text: string) => new Response(`${text}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8" } });

/** POST /retrieval/ and /c/{slug}/retrieval/: raw JSON in, `{"accuracy"}` or a plain-text reason out. */
export async function legacyRetrievalPost(request: Request, slug: string | null): Promise<Response> {
  try {
    const body = await readBodyLimited(request, MAX_RESULTS_FILE_BYTES);
    const url = new URL(request.url);
    const header = request.headers.get("authorization");
    const token = header && /^bearer\s+/i.test(header) ? header.replace(/^bearer\s+/i, "").trim() : url.searchParams.get("token");
    const reply = await handleLegacySubmission(await getDatabase(), getBlobStore(), { slug, body, token });
    return reply.json ? Response.json(reply.json, { status: reply.status }) : plain(reply.status, reply.text ?? "");
  } catch (error) {
    if (isAppError(error)) return plain(error.status, error.message);
    const id = crypto.randomUUID();
    console.error(`[retrieval ${id}]`, error);
    return plain(500, `the server failed to score this (log id ${id}); your file may be recorded — check the competition page`);
  }
}
