"use client";

import { useEffect, useState } from "react";
import { EmptyState, Notice, ScrollableTable } from "@/components/ui";
import type { Leaderboard } from "@/lib/leaderboards/get-leaderboard";
import { scoreTicks, timeTicks } from "@/lib/leaderboards/chart-axes";
import { describeRankChange, rankChanges } from "@/lib/leaderboards/shake-up";
import { formatTime } from "@/lib/time/format-time";

type Board = Pick<Leaderboard, "board" | "frozenAt" | "revealedAt" | "organizerView" | "rows" | "history" | "ladderThreshold">;

const COLORS = ["#3f48b8", "#0f9d76", "#d9480f", "#a61e4d", "#5f3dc4"];

/**
 * Best score over time of the top teams: a step chart whose lines are an SVG stretched to the width, and whose axes
 * are HTML text — readable at a phone's width as at a desktop's (SVG text shrank with the drawing to ~6 px).
 */
function ScoreChart({ history, timeZone }: { history: Board["history"]; timeZone: string }) {
  const points = history.flatMap((series) => series.points);
  if (points.length < 2) return null;
  const times = points.map((point) => Date.parse(point.at));
  const [t0, t1] = [Math.min(...times), Math.max(...times)];
  const ticks = scoreTicks(Math.max(...points.map((point) => point.score)));
  const top = ticks.at(-1)!;
  const x = (at: number) => ((at - t0) / Math.max(t1 - t0, 1)) * 1000;
  const y = (score: number) => 100 - (score / top) * 100;
  // One label per distinct shown time (entries within a minute would repeat it).
  const instants = timeTicks(t0, t1, 3).filter((at, i, all) => i === 0 || formatTime(new Date(at), timeZone) !== formatTime(new Date(all[i - 1]!), timeZone));
  return (
    <figure className="mt-6" data-testid="score-chart">
      <div className="flex">
        <div aria-hidden className="relative mr-2 h-40 w-10 shrink-0 text-right text-xs text-slate-500">
          {ticks.map((tick) => (
            <span key={tick} className="absolute right-0 -translate-y-1/2 font-mono" style={{ top: `${y(tick)}%` }}>
              {tick}
            </span>
          ))}
        </div>
        <div className="relative h-40 flex-1">
          <svg viewBox="0 0 1000 100" preserveAspectRatio="none" role="img" aria-label="Best public score over time of the top teams" className="absolute inset-0 h-full w-full overflow-visible">
            {ticks.map((tick) => (
              <line key={tick} x1="0" x2="1000" y1={y(tick)} y2={y(tick)} stroke={tick === 0 ? "#94a3b8" : "#e2e8f0"} vectorEffect="non-scaling-stroke" />
            ))}
            {history.map((series, i) => {
              const path = series.points.map((point, j) => `${j === 0 ? "M" : "H"}${x(Date.parse(point.at)).toFixed(1)}${j === 0 ? ` ${y(point.score).toFixed(2)}` : ` V${y(point.score).toFixed(2)}`}`).join(" ");
              const last = series.points.at(-1)!;
              // The line, then a dot on the team's latest best: a team whose first entry is the newest point has no
              // line yet, and its dot is what shows it (a round cap on a zero-length path stays round under the
              // chart's stretched viewBox, where a circle would not).
              return (
                <g key={series.team} stroke={COLORS[i % COLORS.length]} fill="none" vectorEffect="non-scaling-stroke">
                  <path d={`${path} H1000`} strokeWidth="2" vectorEffect="non-scaling-stroke" />
                  <path data-testid="score-chart-latest" d={`M${x(Date.parse(last.at)).toFixed(1)} ${y(last.score).toFixed(2)} h0`} strokeWidth="7" strokeLinecap="round" vectorEffect="non-scaling-stroke" />
                </g>
              );
            })}
          </svg>
        </div>
      </div>
      <div aria-hidden className="relative ml-12 mt-1 h-4 text-xs text-slate-500">
        {instants.map((at, i) => (
          <span
            key={at}
            className={`absolute whitespace-nowrap ${i === 0 ? "" : i === instants.length - 1 ? "-translate-x-full" : "hidden -translate-x-1/2 sm:inline"}`}
            style={{ left: `${(x(at) / 1000) * 100}%` }}
          >
            {formatTime(new Date(at), timeZone)}
          </span>
        ))}
      </div>
      <figcaption className="mt-3 text-xs text-slate-600">
        <span className="mr-3">Best public score (points) over time:</span>
        <span className="inline-flex flex-wrap gap-x-4 gap-y-1">
          {history.map((series, i) => (
            <span key={series.team} className="inline-flex items-center gap-1">
              <span aria-hidden className="inline-block h-2 w-4 rounded" style={{ background: COLORS[i % COLORS.length] }} />
              {series.team}
            </span>
          ))}
        </span>
      </figcaption>
    </figure>
  );
}

/** A team's move from the public board: green up, red down; the words for screen readers. */
function RankChangeCell({ change }: { change: { symbol: string; label: string } }) {
  const colour = change.symbol.startsWith("▲") ? "text-emerald-700" : change.symbol.startsWith("▼") ? "text-red-700" : "text-slate-500";
  return (
    <td className={`whitespace-nowrap pr-3 text-xs font-semibold ${colour}`} data-testid="rank-change">
      <span aria-hidden>{change.symbol}</span>
      <span className="sr-only">{change.label}</span>
    </td>
  );
}

/** The leaderboard, refreshed every few seconds without a reload; times are shown in the competition's `timeZone`. */
export function LiveLeaderboard({
  slug,
  board,
  initial,
  timeZone,
  intervalMs = 3000,
  publicRanks,
}: {
  slug: string;
  board: "public" | "private";
  initial: Board | null;
  timeZone: string;
  intervalMs?: number;
  /** The public board's ranks: the private board then shows each team's move from it (the shake-up). */
  publicRanks?: { team: string; rank: number }[];
}) {
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
  const changes = publicRanks ? rankChanges(data.rows, publicRanks) : null;
  return (
    <div>
      {frozen}
      <ScrollableTable label={board === "public" ? "Public leaderboard" : "Private leaderboard"}>
        <table data-testid={`leaderboard-${board}`} className="w-full text-left text-sm">
          <caption className="sr-only">{board === "public" ? "Public" : "Private"} leaderboard</caption>
          <thead className="text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th className="py-2 pr-3">Rank</th>
              {changes ? <th className="pr-3">vs public</th> : null}
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
                {changes ? <RankChangeCell change={describeRankChange(changes.get(row.team)!)} /> : null}
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
      {board === "public" ? <ScoreChart history={data.history} timeZone={timeZone} /> : null}
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
