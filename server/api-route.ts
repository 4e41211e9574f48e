import "server-only";
import { z } from "zod";
import { MAX_JSON_DEPTH, jsonNestingDepth } from "@/lib/api/json-depth";
import type { Actor } from "@/lib/auth/actor";
import { refuseCrossSiteWrite } from "@/lib/auth/same-origin";
import { requireScope, scopeNeededFor } from "@/lib/auth/token-scopes";
import { getDatabase } from "@/lib/db/client";
import type { Database } from "@/lib/db/open-database";
import { isDatabaseUnreachable } from "@/lib/db/database-unreachable";
import { AppError, isAppError } from "@/lib/errors/app-error";
import type { BlobStore } from "@/lib/storage/blob-store";
import { getActor } from "@/server/actor";
import { MAX_JSON_BODY_BYTES, readBodyLimited } from "@/lib/api/read-body";
import { getBlobStore } from "@/server/storage";

export interface ApiContext<P> {
  request: Request;
  params: P;
  actor: Actor;
  database: Database;
  store: BlobStore;
}

type Handler<P> = (context: ApiContext<P>) => Promise<Response | object>;

/** Seconds a client should wait before retrying while the database cannot be reached. */
const RETRY_AFTER_SECONDS = 5;

/**
 * JSON error body `{ error: { code, message } }`; unknown failures get a log id instead of internals, and an
 * unreachable database is a 503 with Retry-After (the request may be repeated), not a 500.
 */
export function errorResponse(error: unknown): Response {
  if (isAppError(error)) {
    const retryAfter = error.retryAfterSeconds ?? (error.code === "UNAVAILABLE" ? RETRY_AFTER_SECONDS : undefined);
    const headers: HeadersInit = retryAfter ? { "retry-after": String(retryAfter) } : {};
    return Response.json({ error: { code: error.code, message: error.message } }, { status: error.status, headers });
  }
  if (isDatabaseUnreachable(error)) {
    console.error("[api] database unreachable:", (error as Error).message);
    return Response.json(
      { error: { code: "UNAVAILABLE", message: `the database cannot be reached just now; retry in ${RETRY_AFTER_SECONDS} s` } },
      { status: 503, headers: { "retry-after": String(RETRY_AFTER_SECONDS) } },
    );
  }
  if (error instanceof z.ZodError) {
    const message = error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; ");
    return Response.json({ error: { code: "BAD_REQUEST", message } }, { status: 400 });
  }
  const id = crypto.randomUUID();
  console.error(`[api ${id}]`, error);
  return Response.json({ error: { code: "INTERNAL", message: `something went wrong on our side (log id ${id})` } }, { status: 500 });
}

/**
 * The one wrapper of /api/v1 handlers: refuses cross-site writes riding a session cookie, resolves the caller,
 * checks an API token's scope, runs the handler, maps errors to statuses.
 */
export function apiRoute<P = Record<string, never>>(handler: Handler<P>) {
  return async (request: Request, context: { params: Promise<P> }): Promise<Response> => {
    try {
      refuseCrossSiteWrite(request.method, request.headers);
      const [params, database] = await Promise.all([context.params, getDatabase()]);
      const actor = await getActor(request);
      // Every write through the API needs a caller: refuse anonymous ones before their body is read.
      if (!actor && !["GET", "HEAD", "OPTIONS"].includes(request.method)) throw new AppError("UNAUTHORIZED", "sign in first (or pass an API token as Authorization: Bearer …)");
      requireScope(actor?.scopes, scopeNeededFor(request.method, new URL(request.url).pathname));
      const result = await handler({ request, params, actor, database, store: getBlobStore() });
      return result instanceof Response ? result : Response.json(result, { headers: { "cache-control": "no-store" } });
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/**
 * Parses a JSON body with a schema. Bounded before parsing: at most `limit` bytes (413 beyond) and
 * MAX_JSON_DEPTH levels of nesting; a body that is not JSON is a 400 naming the problem.
 */
export async function jsonBody<T extends z.ZodType>(request: Request, schema: T, limit = MAX_JSON_BODY_BYTES): Promise<z.infer<T>> {
  const text = new TextDecoder().decode(await readBodyLimited(request, limit));
  if (jsonNestingDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) throw new AppError("BAD_REQUEST", `the request body nests deeper than ${MAX_JSON_DEPTH} levels`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new z.ZodError([{ code: "custom", path: [], message: "the request body must be JSON", input: undefined }]);
  }
  return schema.parse(data);
}
