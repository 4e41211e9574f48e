// POST /api/v1/competitions/{slug}/rehearsal/accounts — admins: throwaway accounts, each with an API token, for a
// rehearsal (`podium rehearse` registers its teams with them); they are deleted with the rehearsal.
import { createRehearsalAccounts, rehearsalAccountsSchema } from "@/lib/users/rehearsal-accounts";
import { apiRoute, jsonBody } from "@/server/api-route";

export const POST = apiRoute<{ slug: string }>(async ({ request, params, actor, database }) => {
  const { names } = await jsonBody(request, rehearsalAccountsSchema);
  return Response.json(await createRehearsalAccounts(database.prisma, actor, params.slug, names), { status: 201, headers: { "cache-control": "no-store" } });
});
