import type { Metadata } from "next";
import Link from "next/link";
import { Card, EmptyState, buttonClass, secondaryButtonClass } from "@/components/ui";
import { loadCompetitionPage } from "@/server/competition-page";

export const metadata: Metadata = { title: "Data" };

export default async function CompetitionDataPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { row, actor, role, competition } = await loadCompetitionPage(slug);
  const dataset = row.activeDatasetVersion;
  // The bundle's sample file and starter notebook come where results files are taken (and so the gallery is published).
  const acceptsResultsFiles = row.submissionKinds.includes("RESULTS");
  return (
    <Card title="Data" id="data">
      {dataset ? (
        <div className="space-y-3 text-sm text-slate-700">
          <p>
            {dataset.queryCount.toLocaleString("en")} query images
            {row.submissionKinds.length === 1 && row.submissionKinds[0] === "MODEL" ? " — the gallery stays hidden: submit a model" : `, ${dataset.galleryCount.toLocaleString("en")} gallery images`}
            {dataset.trainingCount > 0 ? `, ${dataset.trainingCount.toLocaleString("en")} labelled training images` : ""}. Labels of the test set are never published.
          </p>
          {role === "none" ? (
            <p className="text-slate-500">
              {actor ? (
                <Link href={`/c/${slug}/team`} className="font-medium text-podium-700 underline">
                  Create or join a team
                </Link>
              ) : (
                <Link href={`/sign-in?next=/c/${slug}/team`} className="font-medium text-podium-700 underline">
                  Sign in
                </Link>
              )}{" "}
              {actor ? "to download the data." : "and join a team to download the data."}
            </p>
          ) : (
            <div className="flex flex-wrap items-center gap-3">
              <a href={`/api/v1/competitions/${slug}/bundle?redirect=1`} className={buttonClass} aria-describedby="bundle-contents">
                Download the data (.zip)
              </a>
              <a href="/podium_client.py" className={secondaryButtonClass} download>
                Python client (podium_client.py)
              </a>
            </div>
          )}
          {role === "none" ? null : (
            <p id="bundle-contents" className="text-slate-600">
              The zip holds the images, a README (the task, the layout, the formats, how to submit)
              {acceptsResultsFiles ? ", sample_submission.json (a file that scores as it is), starter.ipynb (a baseline that writes and submits a results file)" : ""} and
              podium_client.py.
            </p>
          )}
          <p className="mt-3 text-xs text-slate-500">
            Score your own validation split with this competition&apos;s metric, then submit, from Python (standard library only):{" "}
            <code className="break-all">python3 podium_client.py score --weights {competition.weights} --truth val.json results.json</code>
          </p>
        </div>
      ) : (
        <EmptyState title="No data published yet">The organizers have not activated a dataset.</EmptyState>
      )}
    </Card>
  );
}
