import { DEFAULT_WEIGHTS, formatWeights } from "@/lib/scoring";

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

export default function LandingPage() {
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
