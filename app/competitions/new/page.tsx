import type { Metadata } from "next";
import { Card, Field, Notice, PageShell, buttonClass, inputClass } from "@/components/ui";
import { createCompetitionAction } from "@/server/actions/competition-actions";
import { requirePageActor } from "@/server/page-actor";

export const metadata: Metadata = { title: "New competition" };
export const dynamic = "force-dynamic";

export default async function NewCompetitionPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  await requirePageActor("/competitions/new");
  const params = await searchParams;
  return (
    <PageShell title="New competition" subtitle="Start with a name; schedule, scoring, quotas and the hidden dataset come next on its dashboard.">
      {params.error ? <Notice kind="error">{params.error}</Notice> : null}
      <Card>
        <form action={createCompetitionAction} className="space-y-4">
          <Field label="Title" name="title">
            <input id="title" name="title" required maxLength={200} className={inputClass} placeholder="Celebrity photo → portrait retrieval" />
          </Field>
          <Field label="Slug" name="slug" hint="lowercase letters, digits and dashes; the URL is /c/slug">
            <input id="slug" name="slug" required pattern="[a-z0-9][a-z0-9-]{1,62}" className={inputClass} placeholder="celeb-retrieval-2026" />
          </Field>
          <Field label="Description" name="description" hint="Markdown">
            <textarea id="description" name="description" rows={5} className={inputClass} />
          </Field>
          <button type="submit" className={buttonClass}>
            Create competition
          </button>
        </form>
      </Card>
    </PageShell>
  );
}
