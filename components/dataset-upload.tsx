"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { DropZone } from "@/components/drop-zone";
import { postJson, uploadFileInParts } from "@/components/browser-upload";
import { Notice } from "@/components/ui";

/**
 * Uploads a dataset archive straight to storage in parts, with a progress bar. Parts are retried; the upload's state
 * is kept in this browser, so choosing the same file again after a dropped connection resumes it.
 */
export function DatasetUpload({ slug }: { slug: string }) {
  const router = useRouter();
  const [progress, setProgress] = useState<number | null>(null);
  const [phase, setPhase] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const base = `/api/v1/competitions/${slug}/datasets`;

  async function upload(file: File) {
    setError(null);
    setProgress(0);
    setPhase(`Uploading ${file.name}`);
    try {
      const { upload: sent, parts, forget } = await uploadFileInParts({
        file,
        scope: slug,
        partsUrl: (id) => `${base}/${id}/parts`,
        onProgress: setProgress,
        start: async () => {
          const started = await postJson<{ versionId: string; number: number; uploadId: string; partSize: number; partCount: number }>(base, { fileName: file.name, size: file.size });
          return { id: started.versionId, uploadId: started.uploadId, partSize: started.partSize, partCount: started.partCount, extra: { number: started.number } };
        },
      });
      await postJson(`${base}/${sent.id}/complete`, { uploadId: sent.uploadId, parts });
      forget();
      const state = { versionId: sent.id, number: Number(sent.extra?.number) };
      setPhase(`Validating version ${state.number}…`);
      for (;;) {
        const version = await (await fetch(`${base}/${state.versionId}`)).json() as { status: string };
        if (version.status !== "VALIDATING") {
          setPhase(version.status === "READY" ? `Version ${state.number} is valid and ready to activate.` : `Version ${state.number} was rejected — see its report below.`);
          break;
        }
        await new Promise((wake) => setTimeout(wake, 1000));
      }
      router.refresh();
    } catch (failure) {
      setError(`${failure instanceof Error ? failure.message : String(failure)} — choose the same file again to resume.`);
    }
  }

  const percent = progress === null ? 0 : Math.round(progress * 100);
  return (
    <div className="space-y-4">
      <DropZone
        prompt="Drop a dataset archive here (.zip, .tar or .tar.gz) or"
        button="Choose an archive"
        accept=".zip,.tar,.gz,.tgz"
        testId="dataset-file"
        hint="Layout: query/, gallery/, optional training/<identity>/, and ground_truth.json or labels.csv."
        onFile={(file) => void upload(file)}
      />
      {progress !== null ? (
        <div>
          <div className="mb-1 flex justify-between text-xs text-slate-600">
            <span>{phase}</span>
            <span>{percent}%</span>
          </div>
          <div role="progressbar" aria-label="Upload progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} data-testid="upload-progress" className="h-2 overflow-hidden rounded-full bg-slate-200">
            <div className="h-full rounded-full bg-podium-600 transition-all" style={{ width: `${percent}%` }} />
          </div>
        </div>
      ) : null}
      {error ? <Notice kind="error">{error}</Notice> : null}
    </div>
  );
}
