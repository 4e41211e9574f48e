// POST /api/v1/competitions/{slug}/reveal — organizers reveal the private leaderboard (final; a snapshot is stored).
import { revealPrivateLeaderboard } from "@/lib/leaderboards/get-leaderboard";
import { apiRoute } from "@/server/api-route";

export const POST = apiRoute<{ slug: string }>(async ({ params, actor, database }) => revealPrivateLeaderboard(database.prisma, actor, params.slug));
