import Link from "next/link";
import type { ReactNode } from "react";
import { EmptyState, secondaryButtonClass } from "@/components/ui";
import { ANALYSIS_FILTERS, ANALYSIS_SORTS, FILTER_LABELS, SORT_LABELS, type AnalysisFilter, type AnalysisSort } from "@/lib/analysis/analysis-options";
import type { AnalysisRow, VisualAnalysis as Analysis } from "@/lib/analysis/build-visual-analysis";

interface Props {
  slug: string;
  id: string;
  analysis: Analysis;
  /** False for teams of a model-only competition: gallery names are shown without images. */
  galleryImages: boolean;
}

const focusRing = "focus:outline-none focus-visible:ring-2 focus-visible:ring-podium-500 focus-visible:ring-offset-2";

function linksFor(slug: string, id: string, analysis: Analysis) {
  const base = `/c/${slug}/submissions/${id}/analysis`;
  const href = (change: { sort?: AnalysisSort; filter?: AnalysisFilter; page?: number }) => {
    const sort = change.sort ?? analysis.sort;
    const filter = change.filter ?? analysis.filter;
    const page = change.page ?? 1;
    const params = new URLSearchParams();
    if (sort !== "name") params.set("sort", sort);
    if (filter !== "all") params.set("filter", filter);
    if (page > 1) params.set("page", String(page));
    if (analysis.pageSize !== 50) params.set("pageSize", String(analysis.pageSize));
    const query = params.toString();
    return `${base}${query ? `?${query}` : ""}`;
  };
  const image = (set: "query" | "gallery", name: string) => `${base}/image?set=${set}&name=${encodeURIComponent(name)}`;
  return { href, image };
}

function Choice({ href, current, children }: { href: string; current: boolean; children: ReactNode }) {
  return (
    <Link
      href={href}
      aria-current={current ? "true" : undefined}
      className={`rounded-full border px-3 py-1 text-sm ${current ? "border-podium-600 bg-podium-600 text-white" : "border-slate-300 bg-white text-slate-700 hover:bg-slate-50"} ${focusRing}`}
    >
      {children}
    </Link>
  );
}

function Thumbnail({ src, alt, size, hit }: { src: string | null; alt: string; size: "large" | "small"; hit?: boolean }) {
  // Gallery thumbnails fill their grid cell, so ten fit a wide screen and five a phone.
  const box = size === "large" ? "h-28 w-28 shrink-0" : "aspect-square h-auto w-full";
  const ring = hit === undefined ? "ring-1 ring-slate-300" : hit ? "ring-4 ring-emerald-500" : "ring-1 ring-slate-200";
  if (!src) {
    return (
      <div className={`${box} ${ring} flex items-center justify-center rounded-md bg-slate-100 text-center text-[10px] text-slate-500`} role="img" aria-label={`${alt} (image not shown: the gallery is hidden)`}>
        image hidden
      </div>
    );
  }
  // A plain <img>: these thumbnails come from an authorized route with private caching, which next/image's
  // optimizer would only proxy again.
  // eslint-disable-next-line @next/next/no-img-element
  return <img src={src} alt={alt} loading="lazy" decoding="async" width={size === "large" ? 112 : 80} height={size === "large" ? 112 : 80} className={`${box} ${ring} rounded-md bg-slate-100 object-cover`} />;
}

function FirstHit({ row }: { row: AnalysisRow }) {
  if (row.split === "not evaluated") return <span className="rounded bg-slate-100 px-2 py-0.5 text-xs text-slate-600">no match in the ground truth</span>;
  if (!row.submitted) return <span className="rounded bg-red-100 px-2 py-0.5 text-xs font-medium text-red-800">not submitted</span>;
  if (row.firstHitRank === null) return <span className="rounded bg-red-100 px-2 py-0.5 text-xs font-medium text-red-800">missed</span>;
  return <span className="rounded bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800">first hit at {row.firstHitRank}</span>;
}

function QueryRow({ row, image, galleryImages }: { row: AnalysisRow; image: (set: "query" | "gallery", name: string) => string; galleryImages: boolean }) {
  return (
    <li className="grid gap-4 border-t border-slate-100 py-4 first:border-t-0 md:grid-cols-[8rem_1fr]" data-testid="analysis-row" data-query={row.query}>
      <figure className="flex min-w-0 flex-row gap-3 md:flex-col">
        <Thumbnail src={image("query", row.query)} alt={`Query ${row.query}`} size="large" />
        <figcaption className="min-w-0 space-y-1 text-xs">
          <p className="text-slate-500">#{row.position}</p>
          <p className="break-all font-mono text-slate-800">{row.query}</p>
          <p>
            <FirstHit row={row} />
          </p>
          {row.split && row.split !== "not evaluated" ? <p className="text-slate-500">{row.split} split</p> : null}
          {row.matches && row.firstHitRank === null ? (
            <div className="text-slate-500">
              <p>Correct:</p>
              <ul>
                {row.matches.names.map((name) => (
                  <li key={name} className="truncate font-mono" title={name}>
                    {name}
                  </li>
                ))}
              </ul>
              {row.matches.count > row.matches.names.length ? <p>and {row.matches.count - row.matches.names.length} more</p> : null}
            </div>
          ) : null}
        </figcaption>
      </figure>
      {row.entries.length === 0 ? (
        <p className="self-center text-sm text-slate-500">{row.submitted ? "An empty list was submitted for this query." : "The submission leaves this query out; it scores 0."}</p>
      ) : (
        <ol className="grid grid-cols-5 gap-2 lg:grid-cols-10" aria-label={`Top ${row.entries.length} for ${row.query}`}>
          {row.entries.map((entry) => (
            <li key={entry.rank} className="min-w-0">
              <figure className="relative w-full max-w-24">
                <Thumbnail src={galleryImages ? image("gallery", entry.name) : null} alt={`Rank ${entry.rank}: ${entry.name}${entry.hit ? " (correct)" : ""}`} size="small" hit={entry.hit} />
                <span aria-hidden className={`absolute left-1 top-1 rounded px-1 text-[10px] font-semibold ${entry.hit ? "bg-emerald-500 text-white" : "bg-white/90 text-slate-700"}`}>
                  {entry.hit ? `✓ ${entry.rank}` : entry.rank}
                </span>
                <figcaption className="mt-1 truncate font-mono text-[10px] text-slate-600" title={entry.name}>
                  {entry.name}
                </figcaption>
              </figure>
            </li>
          ))}
        </ol>
      )}
    </li>
  );
}

function Pages({ analysis, href }: { analysis: Analysis; href: (change: { page: number }) => string }) {
  if (analysis.pageCount <= 1) return null;
  return (
    <nav aria-label="Analysis pages" className="flex items-center justify-between gap-3 text-sm">
      {analysis.page > 1 ? (
        <Link href={href({ page: analysis.page - 1 })} className={secondaryButtonClass} rel="prev">
          ← Previous
        </Link>
      ) : (
        <span />
      )}
      <span className="text-slate-600">
        Page {analysis.page} of {analysis.pageCount}
      </span>
      {analysis.page < analysis.pageCount ? (
        <Link href={href({ page: analysis.page + 1 })} className={secondaryButtonClass} rel="next">
          Next →
        </Link>
      ) : (
        <span />
      )}
    </nav>
  );
}

/** Each query beside its submitted top 10, correct entries ringed in green; filters, sort orders and pages as links. */
export function VisualAnalysis({ slug, id, analysis, galleryImages }: Props) {
  const { href, image } = linksFor(slug, id, analysis);
  const noun = analysis.viewer === "team" ? "public queries" : "queries";
  const first = analysis.rows[0]?.position ?? 0;
  const last = analysis.rows.at(-1)?.position ?? 0;
  return (
    <div className="space-y-4">
      <div className="flex flex-col gap-3 lg:flex-row lg:items-center lg:justify-between">
        <nav aria-label="Show" className="flex flex-wrap items-center gap-2">
          <span className="text-xs uppercase tracking-wide text-slate-500">Show</span>
          {ANALYSIS_FILTERS.map((filter) => (
            <Choice key={filter} href={href({ filter })} current={analysis.filter === filter}>
              {FILTER_LABELS[filter]}
            </Choice>
          ))}
        </nav>
        <nav aria-label="Sort by" className="flex flex-wrap items-center gap-2">
          <span className="text-xs uppercase tracking-wide text-slate-500">Sort</span>
          {ANALYSIS_SORTS.map((sort) => (
            <Choice key={sort} href={href({ sort })} current={analysis.sort === sort}>
              {SORT_LABELS[sort]}
            </Choice>
          ))}
        </nav>
      </div>
      {analysis.rows.length === 0 ? (
        analysis.summary.queries === 0 ? (
          <EmptyState title={`No ${noun} to show`}>
            {analysis.viewer === "team" ? "Every query of this competition is in the private split, so there is nothing to show per query." : "The dataset version has no queries."}
          </EmptyState>
        ) : (
          <EmptyState title={`No ${noun} match “${FILTER_LABELS[analysis.filter]}”`}>
            <Link href={href({ filter: "all" })} className={`text-podium-700 underline ${focusRing}`}>
              Show all {noun}
            </Link>
          </EmptyState>
        )
      ) : (
        <>
          <p className="text-sm text-slate-600" aria-live="polite">
            {first.toLocaleString("en")}–{last.toLocaleString("en")} of {analysis.matching.toLocaleString("en")} {analysis.filter === "all" ? noun : `${noun} shown by “${FILTER_LABELS[analysis.filter]}”`}
          </p>
          <Pages analysis={analysis} href={href} />
          <ol className="rounded-lg border border-slate-200 px-4" aria-label="Queries">
            {analysis.rows.map((row) => (
              <QueryRow key={row.query} row={row} image={image} galleryImages={galleryImages} />
            ))}
          </ol>
          <Pages analysis={analysis} href={href} />
        </>
      )}
    </div>
  );
}
