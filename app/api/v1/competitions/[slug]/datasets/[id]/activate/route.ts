// POST /api/v1/competitions/{slug}/datasets/{number}/activate [{"confirmRescore": true}] — new submissions are scored
// against this version; under scored entries the switch needs the confirmation, and then rescores every entry.
import { z } from "zod";
import { activateDatasetVersion } from "@/lib/datasets/dataset-versions";
import { AppError } from "@/lib/errors/app-error";
import { jobWakeUp } from "@/lib/queue/wake-up";
import { apiRoute, jsonBody } from "@/server/api-route";

const activateSchema = z.object({ confirmRescore: z.boolean().optional() }).strict();

export const POST = apiRoute<{ slug: string; id: string }>(async ({ request, params, actor, database, store }) => {
  const number = Number(params.id);
  if (!Number.isInteger(number) || number < 1) throw new AppError("BAD_REQUEST", `"${params.id}" is not a version number`);
  // No body (or an empty one) is no confirmation; the body is bounded like every other (jsonBody).
  const body = await jsonBody(request, z.unknown()).catch((error: unknown) => {
    if (error instanceof z.ZodError) return {};
    throw error;
  });
  const options = activateSchema.parse(body ?? {});
  const version = await activateDatasetVersion(database.prisma, actor, params.slug, number, { confirmRescore: options.confirmRescore, services: { database, store, wakeUp: jobWakeUp() } });
  return { number: version.number, status: version.status, active: true, ...("rescore" in version && { rescore: version.rescore }) };
});
