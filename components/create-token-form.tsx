"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { NewTokenNotice, TokenNameForm } from "@/components/token-parts";
import { Notice } from "@/components/ui";

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
      <NewTokenNotice token={token} label="New token" testId="new-token" />
      {error ? <Notice kind="error">{error}</Notice> : null}
      <TokenNameForm inputId="token-name" placeholder="laptop" name={name} onName={setName} busy={busy} busyLabel="Creating…" buttonLabel="Create token" onSubmit={submit} />
    </div>
  );
}
