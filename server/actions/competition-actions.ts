"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { competitionCreateSchema } from "@/lib/competitions/competition-settings";
import { checkSettingsForm, describeSettingsError, readSettingsForm, type SettingsFormError, type SettingsFormState } from "@/lib/competitions/settings-form";
import { addOrganizer, createCompetition, updateCompetition } from "@/lib/competitions/manage-competitions";
import { activateDatasetVersion } from "@/lib/datasets/dataset-versions";
import { getDatabase } from "@/lib/db/client";
import { isAppError } from "@/lib/errors/app-error";
import { revealPrivateLeaderboard } from "@/lib/leaderboards/get-leaderboard";
import { REVEAL_CONFIRMATION_MESSAGE } from "@/lib/leaderboards/reveal-confirmation";
import { describeRescore } from "@/lib/organizers/describe-rescore";
import { jobWakeUp } from "@/lib/queue/wake-up";
import { getBlobStore } from "@/server/storage";
import { setFinalSelection } from "@/lib/submissions/select-final";
import { createTeam, joinTeamByInvite, leaveTeam, rotateInviteCode } from "@/lib/teams/create-team";
import { requirePageActor } from "@/server/page-actor";

/**
 * A change of membership changes the competition page's frame (the "Join" tab becomes "My team", "My entries" comes
 * or goes): the browser's cached layout is dropped, not only the page it lands on.
 */
function refreshCompetitionFrame(slug: string): void {
  revalidatePath(`/c/${slug}`, "layout");
}

// Server actions: parse the form, call lib/ (which checks permissions), then redirect with a message. Expected
// failures come back as messages; redirect() is never called inside a try block.

async function attempt(work: () => Promise<unknown>): Promise<string | null> {
  try {
    await work();
    return null;
  } catch (error) {
    if (!isAppError(error)) throw error;
    return error.message;
  }
}

const dashboard = (slug: string, failure: string | null, success: string) =>
  `/c/${encodeURIComponent(slug)}/manage?${failure ? `error=${encodeURIComponent(failure)}` : `saved=${encodeURIComponent(success)}`}`;

export async function createCompetitionAction(formData: FormData) {
  const actor = await requirePageActor("/competitions/new");
  const parsed = competitionCreateSchema.safeParse({ slug: formData.get("slug"), title: formData.get("title"), description: formData.get("description") ?? "" });
  if (!parsed.success) redirect(`/competitions/new?error=${encodeURIComponent(parsed.error.issues.map((issue) => `${String(issue.path[0])} ${issue.message}`).join("; "))}`);
  const { prisma } = await getDatabase();
  const failure = await attempt(() => createCompetition(prisma, actor, parsed.data));
  redirect(failure ? `/competitions/new?error=${encodeURIComponent(failure)}` : `/c/${parsed.data.slug}/manage?created=1`);
}

/**
 * Saves the dashboard's settings (components/competition-settings-form.tsx). Through useActionState it is called as
 * (state, form): a failed save returns every error with the values as typed, and a saved one redirects with the
 * notice. Called with the form alone (a plain form post), a failure redirects with the errors as one message.
 */
export async function saveSettingsAction(stateOrForm: SettingsFormState | FormData | null, form?: FormData): Promise<SettingsFormState> {
  const formData = stateOrForm instanceof FormData ? stateOrForm : form;
  if (!(formData instanceof FormData)) throw new Error("saveSettingsAction takes the settings form");
  const slug = String(formData.get("slug"));
  const actor = await requirePageActor(`/c/${slug}/manage`);
  const values = readSettingsForm(formData);
  const refuse = (errors: SettingsFormError[]): SettingsFormState => {
    if (stateOrForm instanceof FormData) redirect(dashboard(slug, errors.map(describeSettingsError).join("; "), ""));
    return { ok: false, errors, values };
  };
  const checked = checkSettingsForm(values);
  if (!checked.ok) return refuse(checked.errors);
  const database = await getDatabase();
  const confirmRescore = formData.get("confirmRescore") === "yes";
  let rescored = "";
  const failure = await attempt(async () => {
    const updated = await updateCompetition(database.prisma, actor, slug, { ...checked.update, confirmRescore }, { database, store: getBlobStore(), wakeUp: jobWakeUp() });
    if (updated.rescore) rescored = ` ${describeRescore(updated.rescore)}`;
  });
  if (failure) return refuse([{ field: null, message: failure }]);
  redirect(dashboard(slug, null, `Settings saved.${rescored}`));
}

export async function addOrganizerAction(formData: FormData) {
  const slug = String(formData.get("slug"));
  const actor = await requirePageActor(`/c/${slug}/manage`);
  const { prisma } = await getDatabase();
  redirect(dashboard(slug, await attempt(() => addOrganizer(prisma, actor, slug, String(formData.get("email") ?? ""))), "Organizer added."));
}

export async function activateDatasetAction(formData: FormData) {
  const slug = String(formData.get("slug"));
  const number = Number(formData.get("number"));
  const actor = await requirePageActor(`/c/${slug}/manage`);
  const database = await getDatabase();
  const confirmRescore = formData.get("confirmRescore") === "yes";
  redirect(dashboard(slug, await attempt(() => activateDatasetVersion(database.prisma, actor, slug, number, { confirmRescore, services: { database, store: getBlobStore(), wakeUp: jobWakeUp() } })), `Dataset version ${number} is active.`));
}

export async function createTeamAction(formData: FormData) {
  const slug = String(formData.get("slug"));
  const actor = await requirePageActor(`/c/${slug}/team`);
  const { prisma } = await getDatabase();
  const failure = await attempt(() => createTeam(prisma, actor, slug, String(formData.get("name") ?? "")));
  if (!failure) refreshCompetitionFrame(slug);
  redirect(`/c/${encodeURIComponent(slug)}/team?${failure ? `error=${encodeURIComponent(failure)}` : "joined=1"}`);
}

export async function revealLeaderboardAction(formData: FormData) {
  const slug = String(formData.get("slug"));
  const actor = await requirePageActor(`/c/${slug}/manage`);
  // The dashboard's confirm step: the box must be ticked (a reveal is final).
  if (formData.get("confirm") !== "yes") redirect(dashboard(slug, `Tick the confirmation box: ${REVEAL_CONFIRMATION_MESSAGE.replace(/: send .*$/, "")}.`, ""));
  const { prisma } = await getDatabase();
  redirect(dashboard(slug, await attempt(() => revealPrivateLeaderboard(prisma, actor, slug)), "The private leaderboard is revealed."));
}

export async function selectFinalAction(formData: FormData) {
  const slug = String(formData.get("slug"));
  const actor = await requirePageActor(`/c/${slug}/entries`);
  const { prisma } = await getDatabase();
  const failure = await attempt(() => setFinalSelection(prisma, actor, slug, String(formData.get("id")), formData.get("selected") === "true"));
  redirect(`/c/${encodeURIComponent(slug)}/entries?${failure ? `error=${encodeURIComponent(failure)}` : "selection=1"}`);
}

export async function joinTeamAction(formData: FormData) {
  const slug = String(formData.get("slug"));
  const actor = await requirePageActor(`/c/${slug}/team`);
  const { prisma } = await getDatabase();
  const failure = await attempt(() => joinTeamByInvite(prisma, actor, slug, String(formData.get("code") ?? "")));
  if (!failure) refreshCompetitionFrame(slug);
  redirect(`/c/${encodeURIComponent(slug)}/team?${failure ? `error=${encodeURIComponent(failure)}` : "joined=1"}`);
}

export async function leaveTeamAction(formData: FormData) {
  const slug = String(formData.get("slug"));
  const actor = await requirePageActor(`/c/${slug}`);
  const { prisma } = await getDatabase();
  const failure = await attempt(() => leaveTeam(prisma, actor, slug));
  if (!failure) refreshCompetitionFrame(slug);
  redirect(failure ? `/c/${encodeURIComponent(slug)}/team?error=${encodeURIComponent(failure)}` : `/c/${encodeURIComponent(slug)}?left=1`);
}

export async function rotateInviteAction(formData: FormData) {
  const slug = String(formData.get("slug"));
  const actor = await requirePageActor(`/c/${slug}/team`);
  const { prisma } = await getDatabase();
  const failure = await attempt(() => rotateInviteCode(prisma, actor, slug));
  redirect(`/c/${encodeURIComponent(slug)}/team?${failure ? `error=${encodeURIComponent(failure)}` : "rotated=1"}`);
}
