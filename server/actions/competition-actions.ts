"use server";

import { redirect } from "next/navigation";
import { SETTING_FORM_FIELDS, competitionCreateSchema, competitionUpdateSchema } from "@/lib/competitions/competition-settings";
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

export async function saveSettingsAction(formData: FormData) {
  const slug = String(formData.get("slug"));
  const actor = await requirePageActor(`/c/${slug}/manage`);
  const raw: Record<string, string> = {};
  for (const { name } of SETTING_FORM_FIELDS) {
    const value = formData.get(name);
    if (typeof value === "string") raw[name] = value;
  }
  for (const name of ["description", "rules"]) {
    const value = formData.get(name);
    if (typeof value === "string") raw[name] = value;
  }
  const parsed = competitionUpdateSchema.safeParse(raw);
  const labelOf = (name: string) => SETTING_FORM_FIELDS.find((field) => field.name === name)?.label ?? name;
  if (!parsed.success) redirect(dashboard(slug, parsed.error.issues.map((issue) => `${labelOf(String(issue.path[0]))}: ${issue.message}`).join("; "), ""));
  const database = await getDatabase();
  const confirmRescore = formData.get("confirmRescore") === "yes";
  let rescored = "";
  const failure = await attempt(async () => {
    const updated = await updateCompetition(database.prisma, actor, slug, { ...parsed.data, confirmRescore }, { database, store: getBlobStore(), wakeUp: jobWakeUp() });
    if (updated.rescore) rescored = ` ${describeRescore(updated.rescore)}`;
  });
  redirect(dashboard(slug, failure, `Settings saved.${rescored}`));
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
  const actor = await requirePageActor(`/c/${slug}`);
  const { prisma } = await getDatabase();
  const failure = await attempt(() => createTeam(prisma, actor, slug, String(formData.get("name") ?? "")));
  redirect(`/c/${encodeURIComponent(slug)}?${failure ? `error=${encodeURIComponent(failure)}` : "joined=1"}#data`);
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
  const actor = await requirePageActor(`/c/${slug}`);
  const { prisma } = await getDatabase();
  const failure = await attempt(() => setFinalSelection(prisma, actor, slug, String(formData.get("id")), formData.get("selected") === "true"));
  redirect(`/c/${encodeURIComponent(slug)}?${failure ? `error=${encodeURIComponent(failure)}` : "selection=1"}#team`);
}

export async function joinTeamAction(formData: FormData) {
  const slug = String(formData.get("slug"));
  const actor = await requirePageActor(`/c/${slug}`);
  const { prisma } = await getDatabase();
  const failure = await attempt(() => joinTeamByInvite(prisma, actor, slug, String(formData.get("code") ?? "")));
  redirect(`/c/${encodeURIComponent(slug)}?${failure ? `error=${encodeURIComponent(failure)}` : "joined=1"}#team`);
}

export async function leaveTeamAction(formData: FormData) {
  const slug = String(formData.get("slug"));
  const actor = await requirePageActor(`/c/${slug}`);
  const { prisma } = await getDatabase();
  const failure = await attempt(() => leaveTeam(prisma, actor, slug));
  redirect(`/c/${encodeURIComponent(slug)}?${failure ? `error=${encodeURIComponent(failure)}` : "left=1"}`);
}

export async function rotateInviteAction(formData: FormData) {
  const slug = String(formData.get("slug"));
  const actor = await requirePageActor(`/c/${slug}`);
  const { prisma } = await getDatabase();
  const failure = await attempt(() => rotateInviteCode(prisma, actor, slug));
  redirect(`/c/${encodeURIComponent(slug)}?${failure ? `error=${encodeURIComponent(failure)}` : "rotated=1"}#team`);
}
