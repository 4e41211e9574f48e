"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { DropZone } from "@/components/drop-zone";
import { EntryDetailsFields } from "@/components/entry-details-fields";
import { Notice } from "@/components/ui";
import { entryDetailsProblem } from "@/lib/submissions/entry-details";

interface Outcome {
  kind: "scored" | "invalid" | "quota" | "error" | "queued";
  message: string;
}

/**
 * Drag-and-drop or choose a results file, optionally named and described; the outcome (score, errors, quota) shows on
 * the same page.
 */
export function ResultsSubmit({ slug }: { slug: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState(0);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");

  function send(file: File) {
    const problem = entryDetailsProblem({ name, description });
    if (problem) {
      setOutcome({ kind: "error", message: problem });
      return;
    }
    setBusy(true);
    setOutcome(null);
    setProgress(0);
    const form = new FormData();
    // Blank fields leave the entry unnamed; the server trims and checks them (lib/submissions/entry-details.ts).
    form.set("name", name);
    form.set("description", description);
    form.set("file", file, file.name);
    const request = new XMLHttpRequest();
    request.open("POST", `/api/v1/competitions/${slug}/submissions`);
    request.setRequestHeader("x-podium-client", "web");
    request.upload.onprogress = (event) => event.lengthComputable && setProgress(Math.round((event.loaded / event.total) * 100));
    request.onload = () => {
      setBusy(false);
      const body = JSON.parse(request.responseText || "null");
      if (request.status === 201) setOutcome({ kind: "scored", message: `Scored: ${body.submission.scores.public.score.toFixed(2)} on the public split.` });
      else if (request.status === 202) setOutcome({ kind: "queued", message: "Received; the score will appear below shortly." });
      else if (request.status === 422) setOutcome({ kind: "invalid", message: body.error.message });
      else if (request.status === 429) setOutcome({ kind: "quota", message: body.error.message });
      else setOutcome({ kind: "error", message: body?.error?.message ?? `the server answered ${request.status}` });
      // An entry was recorded (scored, queued or refused): the next file starts unnamed.
      if ([201, 202, 422].includes(request.status)) {
        setName("");
        setDescription("");
      }
      router.refresh();
    };
    request.onerror = () => {
      setBusy(false);
      setOutcome({ kind: "error", message: "the connection dropped before the file arrived; try again" });
    };
    request.send(form);
  }

  return (
    <div className="space-y-3">
      <EntryDetailsFields name={name} description={description} onName={setName} onDescription={setDescription} disabled={busy} testIdPrefix="results-entry" />
      <DropZone prompt="Drop a results file (.json) here or" button="Choose a results file" accept=".json,application/json" testId="results-file" disabled={busy} onFile={send} />
      {busy ? (
        <div role="progressbar" aria-label="Upload progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={progress} className="h-2 overflow-hidden rounded-full bg-slate-200">
          <div className="h-full bg-podium-600" style={{ width: `${progress}%` }} />
        </div>
      ) : null}
      {outcome ? (
        <div data-testid="submit-outcome">
          <Notice kind={outcome.kind === "scored" || outcome.kind === "queued" ? "success" : "error"}>
            <span className="whitespace-pre-line">{outcome.message}</span>
          </Notice>
        </div>
      ) : null}
    </div>
  );
}
