// POST /api/v1/competitions/{slug}/datasets/{number}/activate — new submissions are scored against this version.
import { activateDatasetVersion } from "@/lib/datasets/dataset-versions";
import { AppError } from "@/lib/errors/app-error";
import { apiRoute } from "@/server/api-route";

export const POST = apiRoute<{ slug: string; id: string }>(async ({ params, actor, database }) => {
  const number = Number(params.id);
  if (!Number.isInteger(number) || number < 1) throw new AppError("BAD_REQUEST", `"${params.id}" is not a version number`);
  const version = await activateDatasetVersion(database.prisma, actor, params.slug, number);
  return { number: version.number, status: version.status, active: true };
});
