"use client";

import { useState, type ReactNode } from "react";
import { buttonClass } from "@/components/ui";

/** A file drop area with a "choose" button: the one way files are picked in Podium's pages. */
export function DropZone({ prompt, button, accept, testId, disabled, hint, onFile }: { prompt: string; button: string; accept: string; testId: string; disabled?: boolean; hint?: ReactNode; onFile: (file: File) => void }) {
  const [dragging, setDragging] = useState(false);
  return (
    <div
      onDragOver={(event) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(event) => {
        event.preventDefault();
        setDragging(false);
        const file = event.dataTransfer.files[0];
        if (file && !disabled) onFile(file);
      }}
      className={`rounded-lg border-2 border-dashed px-6 py-8 text-center text-sm ${dragging ? "border-podium-500 bg-podium-50" : "border-slate-300"}`}
    >
      <p className="text-slate-700">{prompt}</p>
      <label className={`${buttonClass} mt-3 cursor-pointer`}>
        {button}
        <input
          type="file"
          data-testid={testId}
          accept={accept}
          className="sr-only"
          disabled={disabled}
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file) onFile(file);
            event.target.value = "";
          }}
        />
      </label>
      {hint ? <p className="mt-3 text-xs text-slate-500">{hint}</p> : null}
    </div>
  );
}
