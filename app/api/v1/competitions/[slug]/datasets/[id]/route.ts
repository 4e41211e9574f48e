// GET /api/v1/competitions/{slug}/datasets/{id} — one version's status and validation report (organizers).
import { getDatasetVersionForOrganizer } from "@/lib/datasets/dataset-versions";
import { apiRoute } from "@/server/api-route";

export const GET = apiRoute<{ slug: string; id: string }>(async ({ params, actor, database }) => getDatasetVersionForOrganizer(database.prisma, actor, params.slug, params.id));
