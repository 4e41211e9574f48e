// GET /api/v1/competitions/{slug}/team — your team: name, members, invite code, and entries left today and in total.
import { getTeamSummary } from "@/lib/teams/team-summary";
import { apiRoute } from "@/server/api-route";

export const GET = apiRoute<{ slug: string }>(async ({ params, actor, database }) => getTeamSummary(database, actor, params.slug));
