/** A labelled progress bar (uploads, model jobs). */
export function ProgressBar({ label, fraction, detail, testId }: { label: string; fraction: number; detail?: string; testId?: string }) {
  const percent = Math.max(0, Math.min(100, Math.round(fraction * 100)));
  return (
    <div>
      <div className="mb-1 flex justify-between text-xs text-slate-600">
        <span>{label}</span>
        <span>{detail ?? `${percent}%`}</span>
      </div>
      <div role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} data-testid={testId} className="h-2 overflow-hidden rounded-full bg-slate-200">
        <div className="h-full rounded-full bg-podium-600 transition-all" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}
