import type { Metadata } from "next";
import Link from "next/link";
import { Suspense, type ReactNode } from "react";
import { ActionNotices, CompetitionTabs, type CompetitionTab } from "@/components/competition-tabs";
import { PageShell, secondaryButtonClass } from "@/components/ui";
import { formatOptionalTime } from "@/lib/time/format-time";
import { loadCompetitionPage } from "@/server/competition-page";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ slug: string }> }): Promise<Metadata> {
  const { slug } = await params;
  const { competition } = await loadCompetitionPage(slug);
  return { title: competition.title };
}

/** The frame of every section of a competition's page: its title, schedule, tabs and the last action's notice. */
export default async function CompetitionLayout({ params, children }: { params: Promise<{ slug: string }>; children: ReactNode }) {
  const { slug } = await params;
  const { competition, role, team } = await loadCompetitionPage(slug);
  const tabs: CompetitionTab[] = [
    { segment: "", label: "Overview" },
    { segment: "data", label: "Data" },
    { segment: "leaderboard", label: "Leaderboard" },
    { segment: "team", label: team ? "My team" : "Join" },
    ...(team ? [{ segment: "entries", label: "My entries" }] : []),
  ];
  return (
    <PageShell
      title={competition.title}
      subtitle={competition.startsAt || competition.endsAt ? `${formatOptionalTime(competition.startsAt, competition.timeZone)} – ${formatOptionalTime(competition.endsAt, competition.timeZone)}` : "Open — no schedule set"}
      actions={
        role === "organizer" || role === "admin" ? (
          <Link href={`/c/${slug}/manage`} className={secondaryButtonClass}>
            Organizer dashboard
          </Link>
        ) : null
      }
    >
      <CompetitionTabs slug={slug} tabs={tabs} />
      <Suspense fallback={null}>
        <ActionNotices />
      </Suspense>
      {children}
    </PageShell>
  );
}
