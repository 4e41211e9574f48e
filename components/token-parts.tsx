"use client";

import { Field, Notice, buttonClass, inputClass } from "@/components/ui";

// The pieces every token creator shows (personal tokens on /account, team tokens on the team card): the secret,
// once, and the form that names a new token.

/** A new token's secret, shown once from the page's memory (never in a URL). */
export function NewTokenNotice({ token, label, testId }: { token: string | null; label: string; testId: string }) {
  if (!token) return null;
  return (
    <Notice kind="success">
      {label} — copy it now, it will not be shown again:
      <code data-testid={testId} className="mt-2 block break-all rounded bg-white px-2 py-1 font-mono text-xs text-slate-900">
        {token}
      </code>
    </Notice>
  );
}

/** The name field and button of a token creator. */
export function TokenNameForm(props: { inputId: string; placeholder: string; name: string; onName: (name: string) => void; busy: boolean; busyLabel: string; buttonLabel: string; onSubmit: (event: React.FormEvent) => void }) {
  return (
    <form onSubmit={props.onSubmit} className="flex flex-wrap items-end gap-3">
      <Field label="Token name" name={props.inputId}>
        <input id={props.inputId} value={props.name} onChange={(event) => props.onName(event.target.value)} placeholder={props.placeholder} maxLength={80} className={inputClass} />
      </Field>
      <button type="submit" disabled={props.busy} className={buttonClass}>
        {props.busy ? props.busyLabel : props.buttonLabel}
      </button>
    </form>
  );
}
