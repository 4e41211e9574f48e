// POST /c/{slug}/retrieval/ — the original course client's endpoint for one competition.
import { legacyRetrievalPost } from "@/server/legacy-route";

export const dynamic = "force-dynamic";

export async function POST(request: Request, context: { params: Promise<{ slug: string }> }): Promise<Response> {
  return legacyRetrievalPost(request, (await context.params).slug);
}
