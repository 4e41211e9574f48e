"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { postJson, uploadFileInParts } from "@/components/browser-upload";
import { DropZone } from "@/components/drop-zone";
import { EntryDetailsFields } from "@/components/entry-details-fields";
import { tarBlob } from "@/lib/models/tar-blob";
import { ProgressBar } from "@/components/progress-bar";
import { Notice } from "@/components/ui";
import { entryDetailsProblem } from "@/lib/submissions/entry-details";

const MANIFEST_TEMPLATE = JSON.stringify(
  { input: "image", output: "embedding", size: 224, layout: "NCHW", channelOrder: "RGB", scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], resize: "center-crop", similarity: "cosine", batchSize: 16 },
  null,
  2,
);

/**
 * What one pick of files uploads: a single .onnx/.zip/.tar as it is, or an .onnx with its data files packed into one
 * .tar named after the model (the server unpacks it; the model's references name the files as they were picked).
 */
function modelUpload(files: File[]): { file: File } | { error: string } {
  if (files.length === 1) return { file: files[0]! };
  const models = files.filter((file) => file.name.toLowerCase().endsWith(".onnx"));
  if (models.length !== 1) return { error: `Choose one .onnx with its data files (${models.length === 0 ? "no .onnx among them" : `${models.length} .onnx files among them`}).` };
  const ordered = [models[0]!, ...files.filter((file) => file !== models[0])];
  const name = `${models[0]!.name.replace(/\.onnx$/i, "")}.tar`;
  return { file: new File([tarBlob(ordered.map((file) => ({ name: file.name, blob: file, lastModified: file.lastModified })))], name, { type: "application/x-tar" }) };
}

type CheckedSubmission = { status: string; error?: string | null };

type Outcome = { kind: "queued" | "invalid" | "quota" | "error"; message: string; submissionId?: string };

/**
 * Uploads an ONNX encoder straight to storage (parts, progress, resumable) with its manifest; a worker checks it and
 * queues it (or refuses it, with the reason), and the submission page then follows the worker's progress.
 */
export function ModelSubmit({ slug }: { slug: string }) {
  const router = useRouter();
  // Empty by default: fields left out are read from the model's metadata_props, so a model that carries its manifest
  // is never refused for a pre-filled field it did not ask for (the template is the placeholder).
  const [manifest, setManifest] = useState("");
  const [progress, setProgress] = useState<number | null>(null);
  const [phase, setPhase] = useState("");
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  // Optional; sent at the start and again at completion (a resumed upload then takes the ones typed now).
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const base = `/api/v1/competitions/${slug}/models`;

  async function submit(file: File) {
    setOutcome(null);
    const problem = entryDetailsProblem({ name, description });
    if (problem) {
      setOutcome({ kind: "error", message: problem });
      return;
    }
    let parsed: Record<string, unknown> | undefined;
    if (manifest.trim() !== "") {
      try {
        parsed = JSON.parse(manifest) as Record<string, unknown>;
      } catch (error) {
        setOutcome({ kind: "error", message: `The manifest is not JSON: ${error instanceof Error ? error.message : String(error)}` });
        return;
      }
    }
    const details = { name, description };
    setProgress(0);
    setPhase(`Uploading ${file.name}`);
    try {
      const { upload, parts, forget } = await uploadFileInParts({
        file,
        scope: `${slug}:model`,
        partsUrl: (id) => `${base}/${id}/parts`,
        onProgress: setProgress,
        start: async () => {
          const started = await postJson<{ submissionId: string; uploadId: string; partSize: number; partCount: number }>(base, { fileName: file.name, size: file.size, manifest: parsed, ...details });
          return { id: started.submissionId, uploadId: started.uploadId, partSize: started.partSize, partCount: started.partCount };
        },
      });
      setPhase("Checking the model (format, operators, input and output, a dry run)…");
      try {
        let { submission } = await postJson<{ submission: CheckedSubmission }>(`${base}/${upload.id}/complete`, { uploadId: upload.uploadId, parts, manifest: parsed, ...details });
        // The checks run as a job on a worker: follow the entry until they queue it or refuse it.
        while (submission.status === "checking") {
          await new Promise((wake) => setTimeout(wake, 1000));
          ({ submission } = await postJson<{ submission: CheckedSubmission }>(`/api/v1/competitions/${slug}/submissions/${upload.id}`));
        }
        setOutcome(
          submission.status === "invalid"
            ? { kind: "invalid", message: submission.error ?? "The model was refused.", submissionId: upload.id }
            : submission.status === "cancelled"
              ? { kind: "quota", message: submission.error ?? "No entries left.", submissionId: upload.id }
              : { kind: "queued", message: "Checked and queued: follow the worker's progress on the submission's page.", submissionId: upload.id },
        );
      } catch (error) {
        const status = (error as { status?: number }).status;
        setOutcome({ kind: status === 422 ? "invalid" : status === 429 ? "quota" : "error", message: error instanceof Error ? error.message : String(error), submissionId: status === 422 ? upload.id : undefined });
      }
      forget();
      setName("");
      setDescription("");
      setProgress(null);
      router.refresh();
    } catch (failure) {
      setOutcome({ kind: "error", message: `${failure instanceof Error ? failure.message : String(failure)} — choose the same file again to resume.` });
    }
  }

  return (
    <div className="space-y-3">
      <EntryDetailsFields name={name} description={description} onName={setName} onDescription={setDescription} disabled={progress !== null} testIdPrefix="model-entry" />
      <label className="block text-sm">
        <span className="font-medium text-slate-700">Manifest</span>
        <span className="ml-2 text-xs text-slate-500">JSON; fields left out are read from the model&apos;s metadata_props (podium.manifest)</span>
        <textarea
          value={manifest}
          onChange={(event) => setManifest(event.target.value)}
          rows={6}
          spellCheck={false}
          placeholder={MANIFEST_TEMPLATE}
          data-testid="model-manifest"
          className="mt-1 w-full rounded-md border border-slate-300 p-2 font-mono text-xs focus:border-podium-500 focus:outline-none focus:ring-2 focus:ring-podium-200"
        />
      </label>
      <DropZone
        prompt="Drop an ONNX model here — one .onnx, or an .onnx with its external data files (several files at once), or a .zip/.tar of them — or"
        button="Choose a model"
        accept=".onnx,.zip,.tar,.data,.bin"
        testId="model-file"
        disabled={progress !== null}
        multiple
        onFiles={(files) => {
          const picked = modelUpload(files);
          if ("error" in picked) setOutcome({ kind: "error", message: picked.error });
          else void submit(picked.file);
        }}
      />
      {progress !== null ? <ProgressBar label={phase} fraction={progress} testId="model-upload-progress" /> : null}
      {outcome ? (
        <div data-testid="model-outcome">
          <Notice kind={outcome.kind === "queued" ? "success" : "error"}>
            <span className="whitespace-pre-line">{outcome.message}</span>
            {outcome.submissionId ? (
              <>
                {" "}
                <Link className="font-medium underline" href={`/c/${slug}/submissions/${outcome.submissionId}`}>
                  Open the submission
                </Link>
              </>
            ) : null}
          </Notice>
        </div>
      ) : null}
    </div>
  );
}
