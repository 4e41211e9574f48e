import type { Metadata } from "next";
import Link from "next/link";
import { SIGNED_IN_HOME } from "@/lib/auth/safe-next";
import { Card, Field, Notice, buttonClass, inputClass } from "@/components/ui";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password-policy";
import { signUpAction } from "@/server/actions/auth-actions";

export const metadata: Metadata = { title: "Sign up" };

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
          <form action={signUpAction} className="space-y-4">
            <input type="hidden" name="next" value={params.next ?? SIGNED_IN_HOME} />
            <Field label="Name" name="name" hint="optional">
              <input id="name" name="name" autoComplete="name" className={inputClass} />
            </Field>
            <Field label="E-mail" name="email">
              <input id="email" name="email" type="email" autoComplete="email" required className={inputClass} />
            </Field>
            <Field label="Password" name="password" hint={`at least ${MIN_PASSWORD_LENGTH} characters, not easy to guess: a few unrelated words work well`}>
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
