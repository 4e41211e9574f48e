"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Field, Notice, buttonClass, inputClass } from "@/components/ui";

/** Creates a token through the API and shows its secret once, in this page's memory only (never in a URL). */
export function CreateTokenForm() {
  const router = useRouter();
  const [name, setName] = useState("");
  const [token, setToken] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const response = await fetch("/api/v1/tokens", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: name || "cli" }) });
    const body = await response.json().catch(() => null);
    setBusy(false);
    if (!response.ok) {
      setError(body?.error?.message ?? `could not create the token (${response.status})`);
      return;
    }
    setToken(body.token);
    setName("");
    router.refresh();
  }

  return (
    <div className="mb-6 space-y-4">
      {token ? (
        <Notice kind="success">
          New token — copy it now, it will not be shown again:
          <code data-testid="new-token" className="mt-2 block break-all rounded bg-white px-2 py-1 font-mono text-xs text-slate-900">
            {token}
          </code>
        </Notice>
      ) : null}
      {error ? <Notice kind="error">{error}</Notice> : null}
      <form onSubmit={submit} className="flex flex-wrap items-end gap-3">
        <Field label="Token name" name="token-name">
          <input id="token-name" value={name} onChange={(event) => setName(event.target.value)} placeholder="laptop" maxLength={80} className={inputClass} />
        </Field>
        <button type="submit" disabled={busy} className={buttonClass}>
          {busy ? "Creating…" : "Create token"}
        </button>
      </form>
    </div>
  );
}
