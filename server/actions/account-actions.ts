"use server";

import { redirect } from "next/navigation";
import { revokeApiToken } from "@/lib/auth/api-tokens";
import { getDatabase } from "@/lib/db/client";
import { isAppError } from "@/lib/errors/app-error";
import { requirePageActor } from "@/server/page-actor";

export async function revokeTokenAction(formData: FormData) {
  const actor = await requirePageActor("/account");
  const { prisma } = await getDatabase();
  let failure: string | null = null;
  try {
    await revokeApiToken(prisma, actor.userId, String(formData.get("id")));
  } catch (error) {
    if (!isAppError(error)) throw error;
    failure = error.message;
  }
  redirect(failure ? `/account?error=${encodeURIComponent(failure)}` : "/account?revoked=1");
}
