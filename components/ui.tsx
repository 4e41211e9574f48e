import type { ReactNode } from "react";

export function PageShell({ title, subtitle, children, actions }: { title: string; subtitle?: ReactNode; children: ReactNode; actions?: ReactNode }) {
  return (
    <div className="mx-auto max-w-5xl px-6 py-10">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-3xl font-bold tracking-tight text-slate-900">{title}</h1>
          {subtitle ? <p className="mt-2 text-slate-600">{subtitle}</p> : null}
        </div>
        {actions}
      </div>
      <div className="mt-8 space-y-8">{children}</div>
    </div>
  );
}

export function Card({ title, children, id }: { title?: string; children: ReactNode; id?: string }) {
  return (
    <section id={id} aria-labelledby={title && id ? `${id}-title` : undefined} className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
      {title ? (
        <h2 id={id ? `${id}-title` : undefined} className="mb-4 text-lg font-semibold text-slate-900">
          {title}
        </h2>
      ) : null}
      {children}
    </section>
  );
}

export function Field({ label, name, hint, children }: { label: string; name: string; hint?: string; children?: ReactNode }) {
  return (
    <label htmlFor={name} className="block text-sm">
      <span className="font-medium text-slate-800">{label}</span>
      {hint ? <span className="ml-2 text-xs text-slate-500">{hint}</span> : null}
      <div className="mt-1">{children}</div>
    </label>
  );
}

export const inputClass =
  "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-podium-500 focus:outline-none focus:ring-2 focus:ring-podium-100";
export const buttonClass =
  "inline-flex items-center justify-center rounded-md bg-podium-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-podium-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-podium-500 focus-visible:ring-offset-2 disabled:opacity-50";
export const secondaryButtonClass =
  "inline-flex items-center justify-center rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-podium-500";

export function Notice({ kind, children }: { kind: "error" | "success" | "info"; children: ReactNode }) {
  const styles = { error: "border-red-200 bg-red-50 text-red-800", success: "border-emerald-200 bg-emerald-50 text-emerald-800", info: "border-slate-200 bg-slate-50 text-slate-700" };
  return (
    <div role={kind === "error" ? "alert" : "status"} className={`rounded-md border px-4 py-3 text-sm ${styles[kind]}`}>
      {children}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-slate-300 px-6 py-10 text-center">
      <p className="font-medium text-slate-800">{title}</p>
      {children ? <div className="mt-2 text-sm text-slate-500">{children}</div> : null}
    </div>
  );
}

/**
 * A table that may be wider than the screen (a phone): it scrolls sideways, and can take the keyboard's focus so it
 * can be scrolled without a pointer (axe: scrollable-region-focusable). `label` names the region for screen readers.
 */
/** A table that scrolls sideways inside its box; `relative` so that its visually hidden (absolute) labels stay inside too. */
export function ScrollableTable({ label, className = "", children }: { label: string; className?: string; children: ReactNode }) {
  return (
    <div role="region" aria-label={label} tabIndex={0} className={`relative overflow-x-auto rounded focus:outline-none focus-visible:ring-2 focus-visible:ring-podium-500 ${className}`.trim()}>
      {children}
    </div>
  );
}
