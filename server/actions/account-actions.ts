"use server";

import { redirect } from "next/navigation";
import { ZodError } from "zod";
import { revokeApiToken } from "@/lib/auth/api-tokens";
import { getDatabase } from "@/lib/db/client";
import { isAppError } from "@/lib/errors/app-error";
import { changePassword } from "@/lib/users/change-password";
import { signIn } from "@/server/auth";
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

/**
 * Changes the password, which ends every browser session of the account — this one too — and then signs this
 * browser in again with the new password, so only the person who changed it stays signed in.
 */
export async function changePasswordAction(formData: FormData) {
  const actor = await requirePageActor("/account");
  const { prisma } = await getDatabase();
  const newPassword = String(formData.get("newPassword") ?? "");
  if (newPassword !== String(formData.get("confirmPassword") ?? "")) redirect(`/account?error=${encodeURIComponent("the new password and its confirmation differ; nothing was changed")}#password`);
  let failure: string | null = null;
  try {
    await changePassword(prisma, actor.userId, { currentPassword: String(formData.get("currentPassword") ?? ""), newPassword });
  } catch (error) {
    if (error instanceof ZodError) failure = error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    else if (isAppError(error)) failure = error.message;
    else throw error;
  }
  if (failure) redirect(`/account?error=${encodeURIComponent(failure)}#password`);
  const { email } = await prisma.user.findUniqueOrThrow({ where: { id: actor.userId }, select: { email: true } });
  await signIn("credentials", { email, password: newPassword, redirectTo: "/account?password=changed" });
}
