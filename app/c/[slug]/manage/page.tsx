import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { DatasetUpload } from "@/components/dataset-upload";
import { Card, EmptyState, Field, Notice, PageShell, buttonClass, inputClass, secondaryButtonClass } from "@/components/ui";
import { competitionRoleOf } from "@/lib/auth/actor";
import { competitionUpdateSchema, presentCompetition } from "@/lib/competitions/competition-settings";
import { addOrganizer, listOrganizers, updateCompetition } from "@/lib/competitions/manage-competitions";
import { activateDatasetVersion, listDatasetVersions } from "@/lib/datasets/dataset-versions";
import { getDatabase } from "@/lib/db/client";
import { isAppError } from "@/lib/errors/app-error";
import { requirePageActor } from "@/server/page-actor";

export const metadata: Metadata = { title: "Organizer dashboard" };
export const dynamic = "force-dynamic";

const SETTINGS = [
  { name: "title", label: "Title" },
  { name: "timeZone", label: "Time zone", hint: "IANA, e.g. Europe/Berlin" },
  { name: "startsAt", label: "Starts at", hint: "ISO time with offset, or none" },
  { name: "endsAt", label: "Ends at", hint: "ISO time with offset, or none" },
  { name: "weights", label: "Scoring weights", hint: "k:weight, cumulative" },
  { name: "submissionKinds", label: "Submission kinds", hint: "results, model or results,model" },
  { name: "dailyLimit", label: "Daily limit per team", hint: "number or none" },
  { name: "totalLimit", label: "Total limit per team", hint: "number or none" },
  { name: "teamSize", label: "Team size" },
  { name: "publicFraction", label: "Public fraction", hint: "0 to 1" },
  { name: "splitSeed", label: "Split seed" },
  { name: "finalSelectionLimit", label: "Final selections per team" },
  { name: "allowPartial", label: "Allow partial submissions", hint: "true or false" },
  { name: "legacyEndpoint", label: "Legacy endpoint", hint: "off, open or token" },
  { name: "leaderboard", label: "Leaderboard", hint: "public, hidden or frozen" },
  { name: "freezeAt", label: "Freeze at", hint: "ISO time with offset, or none" },
  { name: "registrationOpen", label: "Registration open", hint: "true or false" },
  { name: "modelSizeLimit", label: "Model size limit", hint: "bytes, or e.g. 4GB" },
] as const;

function back(slug: string, query: string): never {
  redirect(`/c/${slug}/manage?${query}`);
}

async function runAction(slug: string, work: () => Promise<unknown>, success: string): Promise<never> {
  let failure: string | null = null;
  try {
    await work();
  } catch (error) {
    if (!isAppError(error)) throw error;
    failure = error.message;
  }
  back(slug, failure ? `error=${encodeURIComponent(failure)}` : `saved=${encodeURIComponent(success)}`);
}

async function saveSettings(formData: FormData) {
  "use server";
  const slug = String(formData.get("slug"));
  const actor = await requirePageActor(`/c/${slug}/manage`);
  const raw: Record<string, string> = {};
  for (const { name } of SETTINGS) {
    const value = formData.get(name);
    if (typeof value === "string") raw[name] = value;
  }
  for (const name of ["description", "rules"]) raw[name] = String(formData.get(name) ?? "");
  const parsed = competitionUpdateSchema.safeParse(raw);
  const labelOf = (name: string) => SETTINGS.find((setting) => setting.name === name)?.label ?? name;
  if (!parsed.success) back(slug, `error=${encodeURIComponent(parsed.error.issues.map((issue) => `${labelOf(String(issue.path[0]))}: ${issue.message}`).join("; "))}`);
  const { prisma } = await getDatabase();
  await runAction(slug, () => updateCompetition(prisma, actor, slug, parsed.data), "Settings saved.");
}

async function addCoOrganizer(formData: FormData) {
  "use server";
  const slug = String(formData.get("slug"));
  const actor = await requirePageActor(`/c/${slug}/manage`);
  const { prisma } = await getDatabase();
  await runAction(slug, () => addOrganizer(prisma, actor, slug, String(formData.get("email") ?? "")), "Organizer added.");
}

async function activate(formData: FormData) {
  "use server";
  const slug = String(formData.get("slug"));
  const actor = await requirePageActor(`/c/${slug}/manage`);
  const { prisma } = await getDatabase();
  await runAction(slug, () => activateDatasetVersion(prisma, actor, slug, Number(formData.get("number"))), `Dataset version ${String(formData.get("number"))} is active.`);
}

function settingValue(view: Record<string, unknown>, name: string): string {
  const value = view[name];
  if (value === null || value === undefined) return "none";
  if (Array.isArray(value)) return value.join(",");
  return String(value);
}

export default async function ManagePage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<Record<string, string | undefined>> }) {
  const { slug } = await params;
  const query = await searchParams;
  const actor = await requirePageActor(`/c/${slug}/manage`);
  const { prisma } = await getDatabase();
  const row = await prisma.competition.findUnique({ where: { slug } });
  if (!row) notFound();
  const role = await competitionRoleOf(prisma, actor, row.id);
  if (role !== "organizer" && role !== "admin") {
    return (
      <PageShell title="Not an organizer">
        <Notice kind="error">Only the organizers of {slug} can open its dashboard.</Notice>
      </PageShell>
    );
  }
  const [organizers, versions] = await Promise.all([listOrganizers(prisma, row.id), listDatasetVersions(prisma, actor, slug)]);
  const view = presentCompetition(row, "organizer") as unknown as Record<string, unknown>;
  return (
    <PageShell
      title={row.title}
      subtitle="Organizer dashboard"
      actions={
        <Link href={`/c/${slug}`} className={secondaryButtonClass}>
          Public page
        </Link>
      }
    >
      {query.error ? <Notice kind="error">{query.error}</Notice> : null}
      {query.saved ? <Notice kind="success">{query.saved}</Notice> : null}
      {query.created ? <Notice kind="success">Competition created. Upload its hidden dataset next.</Notice> : null}

      <Card title="Hidden dataset" id="datasets">
        <DatasetUpload slug={slug} />
        <div className="mt-6 space-y-4">
          {versions.length === 0 ? (
            <EmptyState title="No dataset versions yet">Upload an archive: it is validated, and you activate it when its report looks right.</EmptyState>
          ) : (
            versions.map((version) => (
              <article key={version.id} data-testid={`dataset-version-${version.number}`} className="rounded-lg border border-slate-200 p-4">
                <div className="flex flex-wrap items-center justify-between gap-3">
                  <h3 className="font-semibold">
                    Version {version.number} · <span data-testid="dataset-status">{version.status}</span>
                    {version.active ? <span className="ml-2 rounded bg-emerald-100 px-2 py-0.5 text-xs text-emerald-800">active</span> : null}
                  </h3>
                  {version.status === "READY" && !version.active ? (
                    <form action={activate}>
                      <input type="hidden" name="slug" value={slug} />
                      <input type="hidden" name="number" value={version.number} />
                      <button type="submit" className={buttonClass}>
                        Activate version {version.number}
                      </button>
                    </form>
                  ) : null}
                </div>
                {version.report ? (
                  <div className="mt-3 text-sm text-slate-700">
                    {version.report.rejection ? <p className="text-red-700">Rejected: {version.report.rejection}</p> : null}
                    <p data-testid="dataset-counts">
                      {version.report.counts.query} queries · {version.report.counts.gallery} gallery · {version.report.counts.training} training in {version.report.counts.trainingIdentities} identities ·{" "}
                      {version.report.counts.evaluated} evaluated · {version.report.counts.unmatchedQueries} without a match
                    </p>
                    {version.report.problemCount > 0 ? (
                      <details className="mt-2" open>
                        <summary className="cursor-pointer font-medium text-red-700">{version.report.problemCount} problem(s)</summary>
                        <ul className="mt-1 list-disc pl-5">
                          {version.report.problems.map((problem, i) => (
                            <li key={i}>
                              <code>{problem.file}</code>: {problem.problem}
                            </li>
                          ))}
                        </ul>
                      </details>
                    ) : null}
                    {version.report.warningCount > 0 ? (
                      <details className="mt-2">
                        <summary className="cursor-pointer text-amber-700">{version.report.warningCount} warning(s)</summary>
                        <ul className="mt-1 list-disc pl-5">
                          {version.report.warnings.map((warning, i) => (
                            <li key={i}>
                              <code>{warning.file}</code>: {warning.problem}
                            </li>
                          ))}
                        </ul>
                      </details>
                    ) : null}
                  </div>
                ) : version.error ? (
                  <p className="mt-2 text-sm text-red-700">{version.error}</p>
                ) : (
                  <p className="mt-2 text-sm text-slate-500">{version.status === "UPLOADING" ? "Upload not finished." : "Validating…"}</p>
                )}
              </article>
            ))
          )}
        </div>
      </Card>

      <Card title="Settings" id="settings">
        <form action={saveSettings} className="grid gap-4 sm:grid-cols-2">
          <input type="hidden" name="slug" value={slug} />
          {SETTINGS.map((setting) => (
            <Field key={setting.name} label={setting.label} name={setting.name} hint={"hint" in setting ? setting.hint : undefined}>
              <input id={setting.name} name={setting.name} defaultValue={settingValue(view, setting.name)} className={inputClass} />
            </Field>
          ))}
          <div className="sm:col-span-2">
            <Field label="Description" name="description" hint="Markdown">
              <textarea id="description" name="description" rows={4} defaultValue={row.description} className={inputClass} />
            </Field>
          </div>
          <div className="sm:col-span-2">
            <Field label="Rules" name="rules" hint="Markdown">
              <textarea id="rules" name="rules" rows={4} defaultValue={row.rules} className={inputClass} />
            </Field>
          </div>
          <div className="sm:col-span-2">
            <button type="submit" className={buttonClass}>
              Save settings
            </button>
          </div>
        </form>
      </Card>

      <Card title="Organizers" id="organizers">
        <ul className="mb-4 space-y-1 text-sm">
          {organizers.map((organizer) => (
            <li key={organizer.email}>{organizer.email}</li>
          ))}
        </ul>
        <form action={addCoOrganizer} className="flex flex-wrap items-end gap-3">
          <input type="hidden" name="slug" value={slug} />
          <Field label="Add a co-organizer by e-mail" name="organizer-email">
            <input id="organizer-email" name="email" type="email" required className={inputClass} />
          </Field>
          <button type="submit" className={secondaryButtonClass}>
            Add
          </button>
        </form>
      </Card>
    </PageShell>
  );
}
