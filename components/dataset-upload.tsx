"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { DropZone } from "@/components/drop-zone";
import { Notice } from "@/components/ui";

interface Started {
  versionId: string;
  number: number;
  uploadId: string;
  partSize: number;
  partCount: number;
}

interface Saved extends Started {
  etags: Record<number, string>;
}

async function api<T>(url: string, body?: unknown): Promise<T> {
  const response = await fetch(url, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new Error(data?.error?.message ?? `the server answered ${response.status}`);
  return data as T;
}

/** PUTs one part with progress events; resolves with its ETag. */
function putPart(url: string, blob: Blob, onProgress: (loaded: number) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("PUT", url);
    request.upload.onprogress = (event) => onProgress(event.loaded);
    request.onload = () => (request.status >= 200 && request.status < 300 ? resolve(request.getResponseHeader("etag") ?? "") : reject(new Error(`storage answered ${request.status}`)));
    request.onerror = () => reject(new Error("the connection dropped"));
    request.send(blob);
  });
}

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
    const storageKey = `podium-upload:${slug}:${file.name}:${file.size}:${file.lastModified}`;
    try {
      let saved: Saved | null = JSON.parse(localStorage.getItem(storageKey) ?? "null");
      if (saved) {
        const still = await api(`${base}/${saved.versionId}/parts`, { uploadId: saved.uploadId, partNumbers: [1] }).then(() => true, () => false);
        if (!still) saved = null;
      }
      if (!saved) {
        const started = await api<Started>(base, { fileName: file.name, size: file.size });
        saved = { ...started, etags: {} };
      }
      const state = saved;
      localStorage.setItem(storageKey, JSON.stringify(state));
      const done = new Map<number, number>();
      for (const part of Object.keys(state.etags)) done.set(Number(part), Math.min(state.partSize, file.size - (Number(part) - 1) * state.partSize));
      const report = () => setProgress([...done.values()].reduce((sum, value) => sum + value, 0) / file.size);
      report();
      for (let partNumber = 1; partNumber <= state.partCount; partNumber++) {
        if (state.etags[partNumber]) continue;
        const blob = file.slice((partNumber - 1) * state.partSize, partNumber * state.partSize);
        for (let attempt = 1; ; attempt++) {
          try {
            const { parts } = await api<{ parts: { url: string }[] }>(`${base}/${state.versionId}/parts`, { uploadId: state.uploadId, partNumbers: [partNumber] });
            state.etags[partNumber] = await putPart(parts[0]!.url, blob, (loaded) => {
              done.set(partNumber, loaded);
              report();
            });
            done.set(partNumber, blob.size);
            report();
            localStorage.setItem(storageKey, JSON.stringify(state));
            break;
          } catch (partError) {
            if (attempt >= 4) throw partError;
            await new Promise((wake) => setTimeout(wake, 1000 * attempt));
          }
        }
      }
      await api(`${base}/${state.versionId}/complete`, { uploadId: state.uploadId, parts: Object.entries(state.etags).map(([partNumber, etag]) => ({ partNumber: Number(partNumber), etag })) });
      localStorage.removeItem(storageKey);
      setPhase(`Validating version ${state.number}…`);
      for (;;) {
        const version = await api<{ status: string }>(`${base}/${state.versionId}`);
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
