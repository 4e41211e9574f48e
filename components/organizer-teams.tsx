import { EmptyState, inputClass, secondaryButtonClass } from "@/components/ui";
import type { OrganizerTeamRow } from "@/lib/organizers/list-competition-teams";
import { formatTime } from "@/lib/time/format-time";

interface Props {
  slug: string;
  teams: OrganizerTeamRow[];
  disqualifyAction: (formData: FormData) => Promise<void>;
  reinstateAction: (formData: FormData) => Promise<void>;
  /** The competition's time zone: disqualification times are shown in it. */
  timeZone: string;
}

const dangerButtonClass =
  "inline-flex items-center justify-center rounded-md border border-red-300 bg-white px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-red-500";

/** The teams, each with a disqualify form (a reason is required) or, once disqualified, a re-instate button. */
export function OrganizerTeams({ slug, teams, disqualifyAction, reinstateAction, timeZone }: Props) {
  if (teams.length === 0) return <EmptyState title="No teams yet">Teams appear here once participants register on the competition page.</EmptyState>;
  return (
    <ul className="divide-y divide-slate-100" data-testid="organizer-teams">
      {teams.map((team) => (
        <li key={team.id} className="flex flex-col gap-3 py-3 lg:flex-row lg:items-center lg:justify-between">
          <div>
            <p className="font-medium text-slate-900">
              {team.name}
              {team.disqualifiedAt ? <span className="ml-2 rounded bg-red-100 px-1.5 py-0.5 text-xs text-red-800">disqualified</span> : null}
            </p>
            <p className="text-xs text-slate-500">
              {team.members} member{team.members === 1 ? "" : "s"} · {team.submissions} submission{team.submissions === 1 ? "" : "s"}
              {team.disqualifiedAt ? ` · disqualified ${formatTime(team.disqualifiedAt, timeZone)}: ${team.disqualifiedReason ?? "no reason recorded"}` : ""}
            </p>
          </div>
          {team.disqualifiedAt ? (
            <form action={reinstateAction}>
              <input type="hidden" name="slug" value={slug} />
              <input type="hidden" name="teamId" value={team.id} />
              <button type="submit" className={secondaryButtonClass}>
                Re-instate {team.name}
              </button>
            </form>
          ) : (
            <form action={disqualifyAction} className="flex flex-wrap items-end gap-2">
              <input type="hidden" name="slug" value={slug} />
              <input type="hidden" name="teamId" value={team.id} />
              <label className="block text-sm">
                <span className="sr-only">Reason for disqualifying {team.name}</span>
                <input name="reason" required maxLength={500} placeholder="Reason (the team sees it)" className={`${inputClass} w-64`} />
              </label>
              <button type="submit" className={dangerButtonClass} aria-label={`Disqualify ${team.name}`}>
                Disqualify
              </button>
            </form>
          )}
        </li>
      ))}
    </ul>
  );
}
