"use client";

import { useCallback, useEffect, useState } from "react";
import { NewTokenNotice, TokenNameForm } from "@/components/token-parts";
import { Notice, secondaryButtonClass } from "@/components/ui";
import type { TeamTokenView } from "@/lib/teams/team-tokens";
import { formatTime } from "@/lib/time/format-time";


/**
 * The team's tokens (GET/POST/DELETE /api/v1/competitions/{slug}/team/tokens): create one (its secret shown once, in
 * this page's memory only), list them, revoke one. `retrievalUrl` is set when the legacy endpoint is on.
 */
export function TeamTokens({ slug, timeZone, retrievalUrl }: { slug: string; timeZone: string; retrievalUrl: string | null }) {
  const base = `/api/v1/competitions/${encodeURIComponent(slug)}/team/tokens`;
  const [tokens, setTokens] = useState<TeamTokenView[] | null>(null);
  const [name, setName] = useState("");
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    const response = await fetch(base, { cache: "no-store" });
    const body = await response.json().catch(() => null);
    if (!response.ok) setError(body?.error?.message ?? `could not list the team's tokens (${response.status})`);
    else setTokens(body.tokens);
  }, [base]);

  useEffect(() => {
    void load();
  }, [load]);

  async function call(method: "POST" | "DELETE", path: string, payload?: object) {
    setBusy(true);
    setError(null);
    const response = await fetch(path, { method, headers: payload ? { "content-type": "application/json" } : {}, body: payload ? JSON.stringify(payload) : undefined });
    const body = await response.json().catch(() => null);
    setBusy(false);
    if (!response.ok) {
      setError(body?.error?.message ?? `the request failed (${response.status})`);
      return null;
    }
    await load();
    return body;
  }

  async function create(event: React.FormEvent) {
    event.preventDefault();
    const body = await call("POST", base, { name: name || "team token" });
    if (body) {
      setCreated(body.token);
      setName("");
    }
  }

  return (
    <section aria-label="Team tokens" className="mb-6 space-y-3">
      <h3 className="text-sm font-semibold text-slate-800">Team tokens</h3>
      <p className="text-sm text-slate-600">
        A team token submits for this team only. {retrievalUrl ? <>The original client needs one: post to <code className="rounded bg-slate-100 px-1">{retrievalUrl}?token=…</code></> : null}
      </p>
      <NewTokenNotice token={created} label="New team token" testId="new-team-token" />
      {error ? <Notice kind="error">{error}</Notice> : null}
      <TokenNameForm inputId="team-token-name" placeholder="notebook" name={name} onName={setName} busy={busy} busyLabel="Working…" buttonLabel="Create team token" onSubmit={create} />
      {tokens && tokens.length > 0 ? (
        <ul className="divide-y divide-slate-100 text-sm" data-testid="team-tokens">
          {tokens.map((token) => (
            <li key={token.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
              <span>
                <code className="rounded bg-slate-100 px-1">{token.prefix}…</code> {token.name} · by {token.createdBy}, {formatTime(token.createdAt, timeZone)} ·{" "}
                {token.revokedAt ? `revoked ${formatTime(token.revokedAt, timeZone)}` : token.lastUsedAt ? `last used ${formatTime(token.lastUsedAt, timeZone)}` : "never used"}
              </span>
              {token.revokedAt ? null : (
                <button type="button" disabled={busy} className={secondaryButtonClass} onClick={() => void call("DELETE", `${base}/${encodeURIComponent(token.id)}`)}>
                  Revoke
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
