"use client";

import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";
import { Notice } from "@/components/ui";

export interface CompetitionTab {
  /** The tab's path under /c/{slug} ("" for the overview). */
  segment: string;
  label: string;
}

/** The competition's sections, each at its own URL; the current one is marked for assistive technology too. */
export function CompetitionTabs({ slug, tabs }: { slug: string; tabs: CompetitionTab[] }) {
  const pathname = usePathname();
  const base = `/c/${encodeURIComponent(slug)}`;
  return (
    <nav aria-label="Competition sections" className="-mx-4 overflow-x-auto border-b border-slate-200 px-4 sm:mx-0 sm:px-0">
      <ul className="flex min-w-max gap-1">
        {tabs.map((tab) => {
          const href = tab.segment ? `${base}/${tab.segment}` : base;
          const current = decodeURIComponent(pathname) === decodeURIComponent(href);
          return (
            <li key={tab.segment}>
              <Link
                href={href}
                aria-current={current ? "page" : undefined}
                className={`inline-block whitespace-nowrap border-b-2 px-3 py-2 text-sm font-medium ${current ? "border-podium-600 text-podium-700" : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900"}`}
              >
                {tab.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

const SUCCESS_NOTICES: Record<string, string> = {
  joined: "Your team is registered.",
  selection: "Your final selection is saved.",
  left: "You left your team.",
  rotated: "Your team has a new invite code; the old one no longer works.",
};

/** What the last action on this page did (the actions redirect here with ?error=… or a success flag). */
export function ActionNotices() {
  const query = useSearchParams();
  const error = query.get("error");
  return (
    <>
      {error ? <Notice kind="error">{error}</Notice> : null}
      {Object.entries(SUCCESS_NOTICES).map(([flag, text]) => (query.get(flag) ? <Notice key={flag} kind="success">{text}</Notice> : null))}
    </>
  );
}
