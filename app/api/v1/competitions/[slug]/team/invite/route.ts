// POST /api/v1/competitions/{slug}/team/invite — a new invite code for your team; the old one stops working.
import { rotateInviteCode } from "@/lib/teams/create-team";
import { apiRoute } from "@/server/api-route";

export const POST = apiRoute<{ slug: string }>(async ({ params, actor, database }) => ({ inviteCode: (await rotateInviteCode(database.prisma, actor, params.slug)).inviteCode }));
