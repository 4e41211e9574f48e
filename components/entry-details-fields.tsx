"use client";

import { useId } from "react";
import { inputClass } from "@/components/ui";
import { ENTRY_DESCRIPTION_MAX, ENTRY_NAME_MAX } from "@/lib/submissions/entry-details";

/**
 * An entry's optional name and description (method, links), as the submit forms and the submission page's edit form
 * ask for them. The server validates them (lib/submissions/entry-details.ts); the limits here only stop typing early.
 */
export function EntryDetailsFields({
  name,
  description,
  onName,
  onDescription,
  disabled,
  testIdPrefix,
}: {
  name: string;
  description: string;
  onName: (value: string) => void;
  onDescription: (value: string) => void;
  disabled?: boolean;
  testIdPrefix: string;
}) {
  const id = useId();
  return (
    <div className="grid gap-3">
      <label htmlFor={`${id}-name`} className="block text-sm">
        <span className="font-medium text-slate-800">Entry name</span>
        <span className="ml-2 text-xs text-slate-500">optional, up to {ENTRY_NAME_MAX} characters</span>
        <input
          id={`${id}-name`}
          name="name"
          type="text"
          value={name}
          maxLength={ENTRY_NAME_MAX}
          disabled={disabled}
          autoComplete="off"
          onChange={(event) => onName(event.target.value)}
          data-testid={`${testIdPrefix}-name`}
          className={`mt-1 ${inputClass}`}
        />
      </label>
      <label htmlFor={`${id}-description`} className="block text-sm">
        <span className="font-medium text-slate-800">Description (method, links)</span>
        <span className="ml-2 text-xs text-slate-500">optional, plain text up to {ENTRY_DESCRIPTION_MAX.toLocaleString("en")} characters; links are shown as links</span>
        <textarea
          id={`${id}-description`}
          name="description"
          value={description}
          maxLength={ENTRY_DESCRIPTION_MAX}
          rows={3}
          disabled={disabled}
          onChange={(event) => onDescription(event.target.value)}
          data-testid={`${testIdPrefix}-description`}
          className={`mt-1 ${inputClass}`}
        />
      </label>
    </div>
  );
}
