import Link from "next/link";
import { Markdown } from "@/components/markdown";
import { Card, buttonClass } from "@/components/ui";
import { formatOptionalTime } from "@/lib/time/format-time";
import { loadCompetitionPage } from "@/server/competition-page";

export default async function CompetitionOverviewPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { competition, actor, role, team } = await loadCompetitionPage(slug);
  return (
    <>
      <Card title="Overview" id="overview">
        <Markdown source={competition.description} />
        <dl className="mt-6 grid grid-cols-2 gap-4 text-sm sm:grid-cols-4">
          <div>
            <dt className="text-slate-500">Score</dt>
            <dd className="font-mono">{competition.weights}</dd>
          </div>
          <div>
            <dt className="text-slate-500">Entries</dt>
            <dd>{competition.submissionKinds.join(" or ")}</dd>
          </div>
          <div>
            <dt className="text-slate-500">Daily limit</dt>
            <dd>{competition.dailyLimit ?? "none"}</dd>
          </div>
          <div>
            <dt className="text-slate-500">Team size</dt>
            <dd>up to {competition.teamSize}</dd>
          </div>
          {competition.leaderboard === "frozen" && competition.freezeAt ? (
            <div>
              <dt className="text-slate-500">Public board freezes</dt>
              <dd>{formatOptionalTime(competition.freezeAt, competition.timeZone)}</dd>
            </div>
          ) : null}
        </dl>
        {/* Where to go next, for whoever is looking. */}
        <div className="mt-6 flex flex-wrap gap-3">
          {team ? (
            <Link href={`/c/${slug}/entries`} className={buttonClass}>
              Submit an entry
            </Link>
          ) : role === "none" ? (
            <Link href={actor ? `/c/${slug}/team` : `/sign-in?next=/c/${slug}/team`} className={buttonClass}>
              {actor ? "Join this competition" : "Sign in to take part"}
            </Link>
          ) : null}
        </div>
      </Card>
      <Card title="Rules" id="rules">
        <Markdown source={competition.rules} />
      </Card>
    </>
  );
}
