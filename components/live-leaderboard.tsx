"use client";

import { useEffect, useState } from "react";
import { EmptyState, Notice, ScrollableTable } from "@/components/ui";
import type { Leaderboard } from "@/lib/leaderboards/get-leaderboard";
import { formatTime } from "@/lib/time/format-time";

type Board = Pick<Leaderboard, "board" | "frozenAt" | "revealedAt" | "organizerView" | "rows" | "history" | "ladderThreshold">;

const COLORS = ["#3f48b8", "#0f9d76", "#d9480f", "#a61e4d", "#5f3dc4"];

/** Best score over time of the top teams, as a small SVG step chart. */
function ScoreChart({ history }: { history: Board["history"] }) {
  const points = history.flatMap((series) => series.points);
  if (points.length < 2) return null;
  const times = points.map((point) => Date.parse(point.at));
  const [t0, t1] = [Math.min(...times), Math.max(...times)];
  const max = Math.max(...points.map((point) => point.score), 1);
  const x = (at: string) => 40 + ((Date.parse(at) - t0) / Math.max(t1 - t0, 1)) * 540;
  const y = (score: number) => 150 - (score / max) * 130;
  return (
    <figure className="mt-6">
      <svg viewBox="0 0 600 170" role="img" aria-label="Best public score over time of the top teams" className="w-full">
        <line x1="40" y1="150" x2="580" y2="150" stroke="#cbd5e1" />
        <text x="4" y="24" fontSize="10" fill="#64748b">
          {max.toFixed(0)}
        </text>
        <text x="4" y="150" fontSize="10" fill="#64748b">
          0
        </text>
        {history.map((series, i) => {
          const path = series.points.map((point, j) => `${j === 0 ? "M" : "H"}${x(point.at).toFixed(1)}${j === 0 ? ` ${y(point.score).toFixed(1)}` : ` V${y(point.score).toFixed(1)}`}`).join(" ");
          return <path key={series.team} d={`${path} H580`} fill="none" stroke={COLORS[i % COLORS.length]} strokeWidth="2" />;
        })}
      </svg>
      <figcaption className="mt-2 flex flex-wrap gap-4 text-xs text-slate-600">
        {history.map((series, i) => (
          <span key={series.team} className="inline-flex items-center gap-1">
            <span aria-hidden className="inline-block h-2 w-4 rounded" style={{ background: COLORS[i % COLORS.length] }} />
            {series.team}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

/** The leaderboard, refreshed every few seconds without a reload; times are shown in the competition's `timeZone`. */
export function LiveLeaderboard({ slug, board, initial, timeZone, intervalMs = 3000 }: { slug: string; board: "public" | "private"; initial: Board | null; timeZone: string; intervalMs?: number }) {
  const [data, setData] = useState<Board | null>(initial);
  const [error, setError] = useState<string | null>(null);
  const seedMissing = initial === null;
  useEffect(() => {
    let stopped = false;
    const refresh = async () => {
      const response = await fetch(`/api/v1/competitions/${slug}/leaderboard?board=${board}`, { cache: "no-store" }).catch(() => null);
      if (stopped || !response) return;
      const body = await response.json().catch(() => null);
      if (response.ok) {
        setData(body);
        setError(null);
      } else setError(body?.error?.message ?? `could not load the leaderboard (${response.status})`);
    };
    if (seedMissing) void refresh();
    const timer = setInterval(refresh, intervalMs);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
    // `initial` only seeds the first render; later values come from polling.
  }, [slug, board, intervalMs, seedMissing]);

  if (error && !data) return <Notice kind="info">{error}</Notice>;
  const frozen = (
    <>
      {data?.frozenAt ? (
        <p className="mb-3 text-sm text-amber-700">
          {data.organizerView ? `Live scores (participants see the board frozen at ${formatTime(data.frozenAt, timeZone)})` : `Frozen at ${formatTime(data.frozenAt, timeZone)}`}
        </p>
      ) : null}
      {data?.ladderThreshold ? (
        <p data-testid="ladder-note" className="mb-3 text-sm text-slate-600">
          Ladder board: a team&apos;s score moves only when an entry beats its shown score by more than {data.ladderThreshold} points, and is shown rounded to a multiple of it.
        </p>
      ) : null}
    </>
  );
  if (!data || data.rows.length === 0) {
    return (
      <div>
        {frozen}
        <EmptyState title="No scores yet">{data?.frozenAt && !data.organizerView ? "No entry was scored before the freeze." : "The board fills in as teams submit; it updates by itself."}</EmptyState>
      </div>
    );
  }
  const ks = [...new Set(data.rows.flatMap((row) => Object.keys(row.hit)))].sort((a, b) => Number(a) - Number(b));
  return (
    <div>
      {frozen}
      <ScrollableTable label={board === "public" ? "Public leaderboard" : "Private leaderboard"}>
        <table data-testid={`leaderboard-${board}`} className="w-full text-left text-sm">
          <caption className="sr-only">{board === "public" ? "Public" : "Private"} leaderboard</caption>
          <thead className="text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th className="py-2 pr-3">Rank</th>
              <th className="pr-3">Team</th>
              <th className="pr-3 text-right">Score</th>
              {ks.map((k) => (
                <th key={k} className="pr-3 text-right">
                  hit@{k}
                </th>
              ))}
              <th className="pr-3 text-right">95% interval</th>
              <th className="pr-3 text-right">Entries</th>
              <th>Best entry</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {data.rows.map((row) => (
              <tr key={row.team} data-testid="leaderboard-row">
                <td className="py-2 pr-3 font-semibold">{row.rank}</td>
                <td className="pr-3">{row.team}</td>
                <td className="pr-3 text-right font-mono">{row.score.toFixed(2)}</td>
                {ks.map((k) => (
                  <td key={k} className="pr-3 text-right">
                    {((row.hit[k] ?? 0) * 100).toFixed(1)}%
                  </td>
                ))}
                <td className="pr-3 text-right font-mono text-xs text-slate-500">
                  {row.ci95[0].toFixed(2)}–{row.ci95[1].toFixed(2)}
                </td>
                <td className="pr-3 text-right">{row.entries}</td>
                <td className="text-xs text-slate-500">{formatTime(row.bestAt, timeZone, { seconds: true })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollableTable>
      {board === "public" ? <ScoreChart history={data.history} /> : null}
      <p className="mt-3 text-xs text-slate-500">
        Export:{" "}
        <a className="underline" href={`/api/v1/competitions/${slug}/leaderboard?board=${board}&format=csv`}>
          CSV
        </a>{" "}
        ·{" "}
        <a className="underline" href={`/api/v1/competitions/${slug}/leaderboard?board=${board}`}>
          JSON
        </a>
      </p>
    </div>
  );
}
