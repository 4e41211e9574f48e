import type { Metadata } from "next";
import { safeNext } from "@/lib/auth/safe-next";
import Link from "next/link";
import { Card, Field, Notice, buttonClass, inputClass } from "@/components/ui";
import { signInWithGitHubAction, signInWithPasswordAction } from "@/server/actions/auth-actions";
import { githubEnabled } from "@/server/auth";

export const metadata: Metadata = { title: "Sign in" };

function waitText(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return "a few minutes";
  return seconds >= 120 ? `${Math.ceil(seconds / 60)} minutes` : `${seconds} seconds`;
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const params = await searchParams;
  const next = safeNext(params.next ?? params.callbackUrl);
  return (
    <div className="mx-auto max-w-md px-6 py-12">
      <h1 className="text-2xl font-bold tracking-tight text-slate-900">Sign in to Podium</h1>
      <p className="mt-2 text-sm text-slate-600">
        No account yet? <Link href={`/sign-up?next=${encodeURIComponent(next)}`} className="font-medium text-podium-700 underline">Sign up</Link>
      </p>
      <div className="mt-6 space-y-4">
        {params.error === "locked" || params.code?.startsWith("locked-") ? (
          <Notice kind="error">
            Too many failed sign-ins on this account from your address: try again in {waitText(Number(params.retry ?? params.code?.slice("locked-".length)))}. Sessions
            already open and API tokens keep working.
          </Notice>
        ) : params.error ? (
          <Notice kind="error">That e-mail and password do not match an account.</Notice>
        ) : null}
        {params.created ? <Notice kind="success">Signed up — now sign in with your e-mail and password. (If that address already had an account, its password still applies.)</Notice> : null}
        <Card>
          <form action={signInWithPasswordAction} className="space-y-4">
            <input type="hidden" name="next" value={next} />
            <Field label="E-mail" name="email">
              <input id="email" name="email" type="email" autoComplete="email" required className={inputClass} />
            </Field>
            <Field label="Password" name="password">
              <input id="password" name="password" type="password" autoComplete="current-password" required className={inputClass} />
            </Field>
            <button type="submit" className={`${buttonClass} w-full`}>
              Sign in
            </button>
          </form>
          {githubEnabled() ? (
            <form action={signInWithGitHubAction} className="mt-4 border-t border-slate-100 pt-4">
              <input type="hidden" name="next" value={next} />
              <button type="submit" className="w-full rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-50">
                Continue with GitHub
              </button>
            </form>
          ) : null}
        </Card>
      </div>
    </div>
  );
}
