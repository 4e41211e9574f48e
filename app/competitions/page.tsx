import type { Metadata } from "next";
import Link from "next/link";
import { Card, EmptyState, PageShell, secondaryButtonClass } from "@/components/ui";
import { listMyCompetitions } from "@/lib/competitions/my-competitions";
import { getDatabase } from "@/lib/db/client";
import { formatOptionalTime } from "@/lib/time/format-time";
import { requirePageActor } from "@/server/page-actor";

export const metadata: Metadata = { title: "Your competitions" };
export const dynamic = "force-dynamic";

/** Where signing in lands: the competitions a user takes part in and those they organize. */
export default async function MyCompetitionsPage() {
  const actor = await requirePageActor("/competitions");
  const { prisma } = await getDatabase();
  const mine = await listMyCompetitions(prisma, actor.userId);
  return (
    <PageShell
      title="Your competitions"
      actions={
        <Link href="/competitions/new" className={secondaryButtonClass}>
          New competition
        </Link>
      }
    >
      <Card title="Taking part">
        {mine.teams.length === 0 ? (
          <EmptyState title="No team yet">
            <Link href="/" className="font-medium text-podium-700 underline">
              Browse the open competitions
            </Link>{" "}
            and create or join a team there.
          </EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm" data-testid="my-teams">
            {mine.teams.map((entry) => (
              <li key={entry.slug} className="flex flex-wrap items-baseline justify-between gap-2 py-3">
                <Link href={`/c/${entry.slug}`} className="font-medium text-podium-700 hover:underline">
                  {entry.title}
                </Link>
                <span className="text-slate-600">
                  team {entry.team} · ends {formatOptionalTime(entry.endsAt, entry.timeZone, "never")}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>
      {mine.organizing.length > 0 ? (
        <Card title="Organizing">
          <ul className="divide-y divide-slate-100 text-sm">
            {mine.organizing.map((entry) => (
              <li key={entry.slug} className="flex flex-wrap items-baseline justify-between gap-2 py-3">
                <Link href={`/c/${entry.slug}/manage`} className="font-medium text-podium-700 hover:underline">
                  {entry.title}
                </Link>
                <span className="text-slate-600">ends {formatOptionalTime(entry.endsAt, entry.timeZone, "never")}</span>
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
    </PageShell>
  );
}
