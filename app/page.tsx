import Link from "next/link";
import { EmptyState } from "@/components/ui";
import { listCompetitions } from "@/lib/competitions/manage-competitions";
import { getDatabase } from "@/lib/db/client";
import { DEFAULT_WEIGHTS, formatWeights } from "@/lib/scoring";
import { formatTime } from "@/lib/time/format-time";

export const dynamic = "force-dynamic";

const promises = [
  {
    title: "Scores you can check",
    body: "One scoring module — the same code in the web tier, the worker and the podium CLI — so a team can reproduce every number offline.",
  },
  {
    title: "Nothing gets stuck",
    body: "Jobs live in PostgreSQL with leases and heartbeats. A worker that dies loses its lease; another takes over. Platform faults never eat quota.",
  },
  {
    title: "Hidden stays hidden",
    body: "Ground truth, hidden galleries and private scores never reach a participant — every route is covered by an authorization test.",
  },
];

/** The schedule line of a card: when the competition opens or closes, in its own time zone. */
function scheduleOf(startsAt: Date | null, endsAt: Date | null, timeZone: string, phase: "live" | "upcoming" | "past"): string | null {
  if (phase === "upcoming" && startsAt) return `opens ${formatTime(startsAt, timeZone)}`;
  if (phase === "past" && endsAt) return `closed ${formatTime(endsAt, timeZone)}`;
  if (endsAt) return `closes ${formatTime(endsAt, timeZone)}`;
  return null;
}

function phaseOf(startsAt: Date | null, endsAt: Date | null, now: number): "live" | "upcoming" | "past" {
  if (endsAt && endsAt.getTime() < now) return "past";
  if (startsAt && startsAt.getTime() > now) return "upcoming";
  return "live";
}

export default async function LandingPage() {
  const { prisma } = await getDatabase();
  const competitions = await listCompetitions(prisma);
  const now = Date.now();
  return (
    <div className="mx-auto max-w-5xl px-6 py-16">
      <section aria-labelledby="hero-title" className="max-w-3xl">
        <p className="text-sm font-semibold uppercase tracking-wider text-podium-600">Top-k image retrieval contests</p>
        <h1 id="hero-title" className="mt-3 text-4xl font-bold tracking-tight text-slate-900 sm:text-5xl">
          Podium runs your retrieval competition, from hidden gallery to final leaderboard.
        </h1>
        <p className="mt-6 text-lg leading-8 text-slate-600">
          Organizers upload a hidden test set — query photos, a gallery of stylized portraits and the ground truth. Teams submit a results file
          with the ten best gallery matches per query, or an ONNX image encoder that Podium runs over the hidden gallery. Every entry is scored
          at once and ranked on live public and private leaderboards.
        </p>
      </section>

      <section aria-labelledby="score-title" className="mt-12 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <h2 id="score-title" className="text-base font-semibold text-slate-900">
          The score
        </h2>
        <p className="mt-2 font-mono text-sm text-slate-700">score = mean over queries of 600·hit@1 + 300·hit@5 + 100·hit@10 (max 1000)</p>
        <p className="mt-2 text-sm text-slate-600">
          Default weights <code className="rounded bg-slate-100 px-1">{formatWeights(DEFAULT_WEIGHTS)}</code>, configurable per competition.
          Reproduce any score with <code className="rounded bg-slate-100 px-1">npx podium score --dataset DIR results.json</code>.
        </p>
      </section>

      <section aria-labelledby="competitions-title" className="mt-12">
        <h2 id="competitions-title" className="text-xl font-semibold text-slate-900">
          Competitions
        </h2>
        <div className="mt-4">
          {competitions.length === 0 ? (
            <EmptyState title="No competitions yet">
              <Link href="/competitions/new" className="font-medium text-podium-700 underline">
                Create the first one
              </Link>
            </EmptyState>
          ) : (
            <ul className="grid gap-4 sm:grid-cols-2">
              {competitions.map((competition) => {
                const phase = phaseOf(competition.startsAt, competition.endsAt, now);
                const schedule = scheduleOf(competition.startsAt, competition.endsAt, competition.timeZone, phase);
                return (
                  <li key={competition.id}>
                    <Link href={`/c/${competition.slug}`} className="block rounded-xl border border-slate-200 bg-white p-5 hover:border-podium-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-podium-500">
                      <span className={`rounded px-2 py-0.5 text-xs font-medium ${phase === "live" ? "bg-emerald-100 text-emerald-800" : phase === "upcoming" ? "bg-sky-100 text-sky-800" : "bg-slate-100 text-slate-600"}`}>{phase}</span>
                      <p className="mt-2 font-semibold text-slate-900">{competition.title}</p>
                      <p className="text-sm text-slate-500">/c/{competition.slug}</p>
                      {schedule ? <p className="mt-1 text-xs text-slate-500">{schedule}</p> : null}
                    </Link>
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      </section>

      <section aria-label="Why Podium" className="mt-12 grid gap-6 sm:grid-cols-3">
        {promises.map((promise) => (
          <article key={promise.title} className="rounded-xl border border-slate-200 bg-white p-6">
            <h2 className="text-base font-semibold text-slate-900">{promise.title}</h2>
            <p className="mt-2 text-sm leading-6 text-slate-600">{promise.body}</p>
          </article>
        ))}
      </section>
    </div>
  );
}
