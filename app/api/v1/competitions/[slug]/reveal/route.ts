// POST /api/v1/competitions/{slug}/reveal {"confirm": true} — organizers reveal the private leaderboard (final; a
// snapshot is stored). Without the confirmation: 400 naming it.
import { z } from "zod";
import { revealPrivateLeaderboard } from "@/lib/leaderboards/get-leaderboard";
import { requireRevealConfirmation } from "@/lib/leaderboards/reveal-confirmation";
import { apiRoute, jsonBody } from "@/server/api-route";

export const POST = apiRoute<{ slug: string }>(async ({ request, params, actor, database }) => {
  // An empty or non-JSON body is simply unconfirmed.
  const body = await jsonBody(request, z.unknown()).catch((error: unknown) => {
    if (error instanceof z.ZodError) return {};
    throw error;
  });
  requireRevealConfirmation(body);
  return revealPrivateLeaderboard(database.prisma, actor, params.slug);
});
