"use server";

import { redirect } from "next/navigation";
import { getDatabase } from "@/lib/db/client";
import { isAppError } from "@/lib/errors/app-error";
import { createTeam } from "@/lib/teams/create-team";
import { requirePageActor } from "@/server/page-actor";

export async function createTeamAction(formData: FormData) {
  const slug = String(formData.get("slug"));
  const actor = await requirePageActor(`/c/${slug}`);
  const { prisma } = await getDatabase();
  let failure: string | null = null;
  try {
    await createTeam(prisma, actor, slug, String(formData.get("name") ?? ""));
  } catch (error) {
    if (!isAppError(error)) throw error;
    failure = error.message;
  }
  redirect(`/c/${slug}?${failure ? `error=${encodeURIComponent(failure)}` : "joined=1"}#data`);
}
