import "server-only";
import { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import { getDatabase } from "@/lib/db/client";
import type { Database } from "@/lib/db/open-database";
import { isAppError } from "@/lib/errors/app-error";
import type { BlobStore } from "@/lib/storage/blob-store";
import { getActor } from "@/server/actor";
import { getBlobStore } from "@/server/storage";

export interface ApiContext<P> {
  request: Request;
  params: P;
  actor: Actor;
  database: Database;
  store: BlobStore;
}

type Handler<P> = (context: ApiContext<P>) => Promise<Response | object>;

/** JSON error body `{ error: { code, message } }`; unknown failures get a log id instead of internals. */
export function errorResponse(error: unknown): Response {
  if (isAppError(error)) return Response.json({ error: { code: error.code, message: error.message } }, { status: error.status });
  if (error instanceof z.ZodError) {
    const message = error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; ");
    return Response.json({ error: { code: "BAD_REQUEST", message } }, { status: 400 });
  }
  const id = crypto.randomUUID();
  console.error(`[api ${id}]`, error);
  return Response.json({ error: { code: "INTERNAL", message: `something went wrong on our side (log id ${id})` } }, { status: 500 });
}

/** The one wrapper of /api/v1 handlers: resolves the caller, runs the handler, maps errors to statuses. */
export function apiRoute<P = Record<string, never>>(handler: Handler<P>) {
  return async (request: Request, context: { params: Promise<P> }): Promise<Response> => {
    try {
      const [params, database] = await Promise.all([context.params, getDatabase()]);
      const actor = await getActor(request);
      const result = await handler({ request, params, actor, database, store: getBlobStore() });
      return result instanceof Response ? result : Response.json(result, { headers: { "cache-control": "no-store" } });
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/** Parses a JSON body with a schema; a body that is not JSON is a 400 naming the problem. */
export async function jsonBody<T extends z.ZodType>(request: Request, schema: T): Promise<z.infer<T>> {
  let data: unknown;
  try {
    data = await request.json();
  } catch {
    throw new z.ZodError([{ code: "custom", path: [], message: "the request body must be JSON", input: undefined }]);
  }
  return schema.parse(data);
}
