"use client";

import { useState, type ReactNode } from "react";
import { buttonClass } from "@/components/ui";

/**
 * A file drop area with a "choose" button: the one way files are picked in Podium's pages. With `multiple`, every
 * file dropped or chosen at once goes to `onFiles`.
 */
export function DropZone({
  prompt,
  button,
  accept,
  testId,
  disabled,
  hint,
  onFile,
  multiple,
  onFiles,
}: {
  prompt: string;
  button: string;
  accept: string;
  testId: string;
  disabled?: boolean;
  hint?: ReactNode;
  onFile?: (file: File) => void;
  multiple?: boolean;
  onFiles?: (files: File[]) => void;
}) {
  const take = (list: FileList | null | undefined) => {
    const files = [...(list ?? [])];
    if (files.length === 0 || disabled) return;
    if (multiple && onFiles) onFiles(files);
    else onFile?.(files[0]!);
  };
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
        take(event.dataTransfer.files);
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
          multiple={multiple}
          className="sr-only"
          disabled={disabled}
          onChange={(event) => {
            take(event.target.files);
            event.target.value = "";
          }}
        />
      </label>
      {hint ? <p className="mt-3 text-xs text-slate-500">{hint}</p> : null}
    </div>
  );
}
