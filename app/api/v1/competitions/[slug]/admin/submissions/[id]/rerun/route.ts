// POST /api/v1/competitions/{slug}/admin/submissions/{id}/rerun — organizers: score a results file again against
// the active dataset version (new scores beside the old), or queue a model entry again; the quota is untouched.
import { rerunSubmission } from "@/lib/organizers/rerun-submission";
import { jobWakeUp } from "@/lib/queue/wake-up";
import { apiRoute } from "@/server/api-route";

export const POST = apiRoute<{ slug: string; id: string }>(async ({ params, actor, database, store }) => ({
  rerun: await rerunSubmission(database, store, actor, params.slug, params.id, { wakeUp: jobWakeUp() }),
}));
