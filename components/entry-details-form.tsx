"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { EntryDetailsFields } from "@/components/entry-details-fields";
import { Notice, buttonClass } from "@/components/ui";
import { entryDetailsProblem } from "@/lib/submissions/entry-details";

/**
 * The team's form to rename or re-describe an entry: PATCH …/submissions/{id} with its name and description (blank
 * clears them). Only members of the team that owns the entry get it; the route checks that again.
 */
export function EntryDetailsForm({ slug, id, name, description }: { slug: string; id: string; name: string | null; description: string | null }) {
  const router = useRouter();
  const [values, setValues] = useState({ name: name ?? "", description: description ?? "" });
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ kind: "success" | "error"; message: string } | null>(null);

  async function save(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const problem = entryDetailsProblem(values);
    if (problem) {
      setOutcome({ kind: "error", message: problem });
      return;
    }
    setBusy(true);
    setOutcome(null);
    try {
      const response = await fetch(`/api/v1/competitions/${encodeURIComponent(slug)}/submissions/${encodeURIComponent(id)}`, {
        method: "PATCH",
        headers: { "content-type": "application/json", "x-podium-client": "web" },
        body: JSON.stringify(values),
      });
      const body = await response.json().catch(() => null);
      if (!response.ok) setOutcome({ kind: "error", message: body?.error?.message ?? `the server answered ${response.status}` });
      else {
        setOutcome({ kind: "success", message: "Saved." });
        router.refresh();
      }
    } catch {
      setOutcome({ kind: "error", message: "the connection dropped before the change arrived; try again" });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={save} className="space-y-3" aria-label="Edit the entry's name and description" data-testid="entry-details-form">
      <EntryDetailsFields
        name={values.name}
        description={values.description}
        onName={(value) => setValues((current) => ({ ...current, name: value }))}
        onDescription={(value) => setValues((current) => ({ ...current, description: value }))}
        disabled={busy}
        testIdPrefix="edit-entry"
      />
      <button type="submit" className={buttonClass} disabled={busy}>
        {busy ? "Saving…" : "Save name and description"}
      </button>
      {outcome ? (
        <Notice kind={outcome.kind}>
          <span className="whitespace-pre-line">{outcome.message}</span>
        </Notice>
      ) : null}
    </form>
  );
}
