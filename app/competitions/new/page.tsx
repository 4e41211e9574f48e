import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Card, Field, Notice, PageShell, buttonClass, inputClass } from "@/components/ui";
import { competitionCreateSchema } from "@/lib/competitions/competition-settings";
import { createCompetition } from "@/lib/competitions/manage-competitions";
import { getDatabase } from "@/lib/db/client";
import { isAppError } from "@/lib/errors/app-error";
import { requirePageActor } from "@/server/page-actor";

export const metadata: Metadata = { title: "New competition" };
export const dynamic = "force-dynamic";

async function create(formData: FormData) {
  "use server";
  const actor = await requirePageActor("/competitions/new");
  const parsed = competitionCreateSchema.safeParse({ slug: formData.get("slug"), title: formData.get("title"), description: formData.get("description") ?? "" });
  if (!parsed.success) redirect(`/competitions/new?error=${encodeURIComponent(parsed.error.issues.map((issue) => `${String(issue.path[0])} ${issue.message}`).join("; "))}`);
  const { prisma } = await getDatabase();
  let failure: string | null = null;
  try {
    await createCompetition(prisma, actor, parsed.data);
  } catch (error) {
    if (!isAppError(error)) throw error;
    failure = error.message;
  }
  redirect(failure ? `/competitions/new?error=${encodeURIComponent(failure)}` : `/c/${parsed.data.slug}/manage?created=1`);
}

export default async function NewCompetitionPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  await requirePageActor("/competitions/new");
  const params = await searchParams;
  return (
    <PageShell title="New competition" subtitle="Start with a name; schedule, scoring, quotas and the hidden dataset come next on its dashboard.">
      {params.error ? <Notice kind="error">{params.error}</Notice> : null}
      <Card>
        <form action={create} className="space-y-4">
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
