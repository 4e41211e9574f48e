import { Fragment } from "react";
import { descriptionPieces } from "@/lib/submissions/entry-details";

/**
 * A team's description of an entry, shown as plain text (React escapes every character; nothing is read as HTML or
 * Markdown), line breaks kept, and http(s) URLs as links that pass no referrer, no opener and no search-engine credit.
 */
export function EntryDescription({ description }: { description: string }) {
  return (
    <p className="whitespace-pre-wrap break-words text-sm text-slate-800" data-testid="entry-description">
      {descriptionPieces(description).map((piece, i) =>
        piece.kind === "link" ? (
          <a key={i} href={piece.href} rel="noopener noreferrer nofollow" target="_blank" className="text-podium-700 underline">
            {piece.text}
          </a>
        ) : (
          <Fragment key={i}>{piece.text}</Fragment>
        ),
      )}
    </p>
  );
}
