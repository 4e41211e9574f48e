// GET /api/health — liveness and the backing services in use (no secrets, no data).
import { getDatabase } from "@/lib/db/client";
import { getBlobStore } from "@/server/storage";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  try {
    const database = await getDatabase();
    await database.sql.query("SELECT 1");
    return Response.json({ ok: true, database: database.kind, storage: getBlobStore().kind });
  } catch (error) {
    const id = crypto.randomUUID();
    console.error(`[health ${id}]`, error);
    return Response.json({ ok: false, error: `database unavailable (log id ${id})` }, { status: 503 });
  }
}
