// GET /api/v1/competitions/{slug}/leaderboard?board=public|private&format=json|csv — the public board (live, or
// frozen for participants), or the private one once revealed (organizers always).
import { z } from "zod";
import { getLeaderboard, leaderboardCsv } from "@/lib/leaderboards/get-leaderboard";
import { apiRoute } from "@/server/api-route";

const query = z.object({ board: z.enum(["public", "private"]).default("public"), format: z.enum(["json", "csv"]).default("json") });

export const GET = apiRoute<{ slug: string }>(async ({ request, params, actor, database }) => {
  const url = new URL(request.url);
  const { board, format } = query.parse({ board: url.searchParams.get("board") ?? undefined, format: url.searchParams.get("format") ?? undefined });
  const leaderboard = await getLeaderboard(database.prisma, actor, params.slug, board);
  if (format === "csv") {
    return new Response(leaderboardCsv(leaderboard), {
      headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${params.slug}-${board}-leaderboard.csv"`, "cache-control": "no-store" },
    });
  }
  return leaderboard;
});
