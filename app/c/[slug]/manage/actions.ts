"use server";

import { redirect } from "next/navigation";
import { disqualifyTeam } from "@/lib/organizers/disqualify-team";
import { reinstateTeam } from "@/lib/organizers/reinstate-team";
import { rerunSubmission, type RerunOutcome } from "@/lib/organizers/rerun-submission";
import { getDatabase } from "@/lib/db/client";
import { isAppError } from "@/lib/errors/app-error";
import { jobWakeUp } from "@/lib/queue/wake-up";
import { requirePageActor } from "@/server/page-actor";
import { getBlobStore } from "@/server/storage";

// The dashboard's organizer actions: parse the form, call lib/ (which checks the actor organizes the competition
// and writes the audit event), then redirect back with a message. redirect() is never called inside a try block.

async function attempt<T>(work: () => Promise<T>): Promise<{ value: T; failure: null } | { value: null; failure: string }> {
  try {
    return { value: await work(), failure: null };
  } catch (error) {
    if (!isAppError(error)) throw error;
    return { value: null, failure: error.message };
  }
}

const back = (slug: string, section: string, failure: string | null, success: string) =>
  `/c/${encodeURIComponent(slug)}/manage?${failure ? `error=${encodeURIComponent(failure)}` : `saved=${encodeURIComponent(success)}`}#${section}`;

const field = (formData: FormData, name: string) => String(formData.get(name) ?? "");

export async function disqualifyTeamAction(formData: FormData) {
  const slug = field(formData, "slug");
  const actor = await requirePageActor(`/c/${slug}/manage`);
  const { prisma } = await getDatabase();
  const { value, failure } = await attempt(() => disqualifyTeam(prisma, actor, slug, field(formData, "teamId"), field(formData, "reason")));
  redirect(back(slug, "teams", failure, `Team "${value?.name}" is disqualified: it is off the leaderboards and cannot submit.`));
}

export async function reinstateTeamAction(formData: FormData) {
  const slug = field(formData, "slug");
  const actor = await requirePageActor(`/c/${slug}/manage`);
  const { prisma } = await getDatabase();
  const { value, failure } = await attempt(() => reinstateTeam(prisma, actor, slug, field(formData, "teamId")));
  redirect(back(slug, "teams", failure, `Team "${value?.name}" is re-instated.`));
}

function describeRerun(outcome: RerunOutcome): { failure: string | null; success: string } {
  const short = outcome.submissionId.slice(0, 8);
  switch (outcome.kind) {
    case "rescored":
      return {
        failure: null,
        success: `Submission ${short} re-scored against dataset version ${outcome.version}: public ${outcome.splits.public.score.toFixed(2)}, private ${outcome.splits.private.score.toFixed(2)}, all ${outcome.splits.all.score.toFixed(2)}.`,
      };
    case "unchanged":
      return { failure: null, success: `Submission ${short}: ${outcome.message}.` };
    case "invalid":
      return { failure: `Submission ${short} is ${outcome.message}`, success: "" };
    case "queued":
      return { failure: null, success: `Submission ${short} is queued again against dataset version ${outcome.version}.` };
  }
}

export async function rerunSubmissionAction(formData: FormData) {
  const slug = field(formData, "slug");
  const actor = await requirePageActor(`/c/${slug}/manage`);
  const database = await getDatabase();
  const { value, failure } = await attempt(() => rerunSubmission(database, getBlobStore(), actor, slug, field(formData, "id"), { wakeUp: jobWakeUp() }));
  const described = value ? describeRerun(value) : { failure, success: "" };
  redirect(back(slug, "submissions", described.failure, described.success));
}
