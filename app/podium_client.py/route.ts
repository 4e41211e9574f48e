// GET /podium_client.py — the Python client for teams (clients/python/podium_client.py), public like the CLI's docs:
// it holds no secret, and a team needs it before it has anything else.
import { pythonClientSource } from "@/lib/clients/python-client";

export const dynamic = "force-static";

export function GET(): Response {
  const source = pythonClientSource();
  if (!source) return new Response("the Python client is not part of this deployment\n", { status: 404 });
  return new Response(new Uint8Array(source), {
    headers: { "content-type": "text/x-python; charset=utf-8", "content-disposition": 'attachment; filename="podium_client.py"', "cache-control": "public, max-age=300" },
  });
}
