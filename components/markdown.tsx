import ReactMarkdown from "react-markdown";

/** Organizer-written Markdown, rendered safely: raw HTML is dropped and unsafe link schemes are removed. */
export function Markdown({ source }: { source: string }) {
  if (source.trim() === "") return <p className="text-sm text-slate-500">Nothing here yet.</p>;
  return (
    <div className="prose-podium space-y-3 text-sm leading-6 text-slate-700">
      <ReactMarkdown skipHtml>{source}</ReactMarkdown>
    </div>
  );
}
