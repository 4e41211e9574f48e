import Link from "next/link";
import { signOutAction } from "@/server/actions/auth-actions";
import { auth } from "@/server/auth";

export async function SiteHeader() {
  const session = await auth();
  return (
    <header className="border-b border-slate-200 bg-white">
      <nav className="mx-auto flex max-w-5xl items-center justify-between gap-3 px-4 py-4 sm:gap-4 sm:px-6" aria-label="Main">
        {/* On a phone the mark stands for the name, leaving room for the signed-in links. */}
        <Link href="/" aria-label="Podium" className="flex shrink-0 items-center gap-2 text-lg font-semibold tracking-tight text-podium-900">
          <span aria-hidden className="inline-flex h-7 w-7 items-center justify-center rounded-md bg-podium-600 text-sm text-white">
            P
          </span>
          <span aria-hidden className={session?.user ? "hidden sm:inline" : undefined}>
            Podium
          </span>
        </Link>
        <div className="flex min-w-0 items-center gap-3 text-sm sm:gap-4">
          {session?.user ? (
            <>
              <Link href="/competitions" className="whitespace-nowrap text-slate-700 hover:text-podium-700">
                <span className="sm:hidden">Competitions</span>
                <span className="hidden sm:inline">Your competitions</span>
              </Link>
              <Link href="/account" className="min-w-0 truncate text-slate-700 hover:text-podium-700" title={session.user.email ?? undefined}>
                <span className="sm:hidden">Account</span>
                <span className="hidden sm:inline">{session.user.email}</span>
              </Link>
              <form action={signOutAction} className="shrink-0">
                <button type="submit" className="whitespace-nowrap text-slate-500 hover:text-slate-800">
                  Sign out
                </button>
              </form>
            </>
          ) : (
            <>
              <Link href="/sign-in" className="text-slate-700 hover:text-podium-700">
                Sign in
              </Link>
              <Link href="/sign-up" className="rounded-md bg-podium-600 px-3 py-1.5 font-semibold text-white hover:bg-podium-700">
                Sign up
              </Link>
            </>
          )}
        </div>
      </nav>
    </header>
  );
}
