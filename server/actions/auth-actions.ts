"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { settings } from "@/lib/config/env";
import { clientAddressOf } from "@/lib/rate-limits/client-address";
import { consumeRateLimit } from "@/lib/rate-limits/rate-limits";
import { AuthError, CredentialsSignin } from "next-auth";
import { getDatabase } from "@/lib/db/client";
import { isAppError } from "@/lib/errors/app-error";
import { createUser, newUserSchema } from "@/lib/users/create-user";
import { signIn, signOut } from "@/server/auth";
import { safeNext } from "@/lib/auth/safe-next";

export async function signInWithPasswordAction(formData: FormData) {
  const next = safeNext(formData.get("next"));
  try {
    await signIn("credentials", { email: formData.get("email"), password: formData.get("password"), redirectTo: next });
  } catch (error) {
    // Only Auth.js failures are handled; the redirect that signals success must propagate.
    if (error instanceof AuthError) {
      const locked = error instanceof CredentialsSignin ? /^locked-(\d+)$/.exec(error.code) : null;
      redirect(locked ? `/sign-in?error=locked&retry=${locked[1]}&next=${encodeURIComponent(next)}` : `/sign-in?error=credentials&next=${encodeURIComponent(next)}`);
    }
    throw error;
  }
}

export async function signInWithGitHubAction(formData: FormData) {
  await signIn("github", { redirectTo: safeNext(formData.get("next")) });
}

export async function signUpAction(formData: FormData) {
  const next = safeNext(formData.get("next"));
  const parsed = newUserSchema.safeParse({ email: formData.get("email"), password: formData.get("password"), name: formData.get("name") || undefined });
  if (!parsed.success) {
    const message = parsed.error.issues.map((issue) => `${String(issue.path[0])} ${issue.message}`).join("; ");
    redirect(`/sign-up?error=${encodeURIComponent(message)}&next=${encodeURIComponent(next)}`);
  }
  const { prisma } = await getDatabase();
  const address = clientAddressOf((await headers()).get("x-forwarded-for"), settings().env.PODIUM_TRUSTED_PROXY_HOPS);
  const flood = await consumeRateLimit(prisma, "signUpsPerAddress", address);
  if (!flood.allowed) redirect(`/sign-up?error=${encodeURIComponent(flood.message)}&next=${encodeURIComponent(next)}`);
  let failure: string | null = null;
  try {
    await createUser(prisma, { ...parsed.data, isAdmin: false });
  } catch (error) {
    if (!isAppError(error)) throw error;
    // A taken address answers exactly like a new one (and after the same scrypt work): sign-up must not tell
    // anyone which addresses have accounts. Its owner signs in with the password they already have.
    if (error.code !== "CONFLICT") failure = error.message;
  }
  redirect(failure ? `/sign-up?error=${encodeURIComponent(failure)}` : `/sign-in?created=1&next=${encodeURIComponent(next)}`);
}

export async function signOutAction() {
  await signOut({ redirectTo: "/" });
}
