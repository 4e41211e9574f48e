// GET /api/v1/competitions/{slug}/audit?format=json|csv — the competition's audit log (organizers only), newest
// first: who did what when, each changed field before → after. Exported beside the results.
import { auditCsv, auditFormatSchema, listAuditEvents } from "@/lib/audit/list-audit-events";
import { apiRoute } from "@/server/api-route";

export const GET = apiRoute<{ slug: string }>(async ({ request, params, actor, database }) => {
  const { format } = auditFormatSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const events = await listAuditEvents(database.prisma, actor, params.slug);
  if (format === "csv") {
    return new Response(auditCsv(events), {
      headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${params.slug}-audit.csv"`, "cache-control": "no-store" },
    });
  }
  return { competition: params.slug, events };
});
