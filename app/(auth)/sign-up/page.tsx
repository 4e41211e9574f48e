import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { Card, Field, Notice, buttonClass, inputClass } from "@/components/ui";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { getDatabase } from "@/lib/db/client";
import { isAppError } from "@/lib/errors/app-error";
import { createUser, newUserSchema } from "@/lib/users/create-user";

export const metadata: Metadata = { title: "Sign up" };

async function signUp(formData: FormData) {
  "use server";
  const next = String(formData.get("next") ?? "/");
  const parsed = newUserSchema.safeParse({ email: formData.get("email"), password: formData.get("password"), name: formData.get("name") || undefined });
  if (!parsed.success) {
    const message = parsed.error.issues.map((issue) => `${String(issue.path[0])} ${issue.message}`).join("; ");
    redirect(`/sign-up?error=${encodeURIComponent(message)}&next=${encodeURIComponent(next)}`);
  }
  const { prisma } = await getDatabase();
  let failure: string | null = null;
  try {
    await createUser(prisma, { ...parsed.data, isAdmin: false });
  } catch (error) {
    if (!isAppError(error)) throw error;
    failure = error.message;
  }
  redirect(failure ? `/sign-up?error=${encodeURIComponent(failure)}` : `/sign-in?created=1&next=${encodeURIComponent(next)}`);
}

export default async function SignUpPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const params = await searchParams;
  return (
    <div className="mx-auto max-w-md px-6 py-12">
      <h1 className="text-2xl font-bold tracking-tight text-slate-900">Create your Podium account</h1>
      <p className="mt-2 text-sm text-slate-600">
        Already have one? <Link href="/sign-in" className="font-medium text-podium-700 underline">Sign in</Link>
      </p>
      <div className="mt-6 space-y-4">
        {params.error ? <Notice kind="error">{params.error}</Notice> : null}
        <Card>
          <form action={signUp} className="space-y-4">
            <input type="hidden" name="next" value={params.next ?? "/"} />
            <Field label="Name" name="name" hint="optional">
              <input id="name" name="name" autoComplete="name" className={inputClass} />
            </Field>
            <Field label="E-mail" name="email">
              <input id="email" name="email" type="email" autoComplete="email" required className={inputClass} />
            </Field>
            <Field label="Password" name="password" hint={`at least ${MIN_PASSWORD_LENGTH} characters`}>
              <input id="password" name="password" type="password" autoComplete="new-password" minLength={MIN_PASSWORD_LENGTH} required className={inputClass} />
            </Field>
            <button type="submit" className={`${buttonClass} w-full`}>
              Create account
            </button>
          </form>
        </Card>
      </div>
    </div>
  );
}
