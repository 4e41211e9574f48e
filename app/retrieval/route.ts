// POST /retrieval/ — the original course client's endpoint, for the competition an admin marked as the default.
import { legacyRetrievalPost } from "@/server/legacy-route";

export const dynamic = "force-dynamic";

export function POST(request: Request): Promise<Response> {
  return legacyRetrievalPost(request, null);
}
