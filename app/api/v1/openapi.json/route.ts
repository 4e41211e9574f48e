// GET /api/v1/openapi.json — the OpenAPI description of this API.
import { openApiDocument } from "@/lib/api/openapi";

export function GET(request: Request): Response {
  return Response.json(openApiDocument(new URL(request.url).origin));
}
