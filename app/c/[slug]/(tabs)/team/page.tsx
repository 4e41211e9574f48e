import type { Metadata } from "next";
import Link from "next/link";
import { Card, Field, Notice, buttonClass, inputClass, secondaryButtonClass } from "@/components/ui";
import { TeamTokens } from "@/components/team-tokens";
import { createTeamAction, joinTeamAction, leaveTeamAction, rotateInviteAction } from "@/server/actions/competition-actions";
import { loadCompetitionPage } from "@/server/competition-page";

export const metadata: Metadata = { title: "My team" };

export default async function CompetitionTeamPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { database, row, actor, role, team } = await loadCompetitionPage(slug);
  if (!actor) {
    return (
      <Card title="Take part" id="team">
        <p className="text-sm text-slate-600">
          <Link href={`/sign-in?next=/c/${slug}/team`} className="font-medium text-podium-700 underline">
            Sign in
          </Link>{" "}
          or{" "}
          <Link href={`/sign-up?next=/c/${slug}/team`} className="font-medium text-podium-700 underline">
            create an account
          </Link>
          , then create a team or join one with its invite code.
        </p>
      </Card>
    );
  }
  if (!team) {
    if (role !== "none") {
      return (
        <Card title="Take part" id="team">
          <Notice kind="info">Organizers of {slug} run the competition and do not compete in it.</Notice>
        </Card>
      );
    }
    return (
      <Card title="Take part" id="team">
        <div className="space-y-6">
          <form action={createTeamAction} className="flex flex-wrap items-end gap-3">
            <input type="hidden" name="slug" value={slug} />
            <Field label="Create a team to take part" name="team-name" hint="its name is your groupname">
              <input id="team-name" name="name" required minLength={2} maxLength={64} className={inputClass} />
            </Field>
            <button type="submit" className={buttonClass}>
              Create team
            </button>
          </form>
          <form action={joinTeamAction} className="flex flex-wrap items-end gap-3">
            <input type="hidden" name="slug" value={slug} />
            <Field label="…or join one with its invite code" name="invite-code">
              <input id="invite-code" name="code" required className={inputClass} />
            </Field>
            <button type="submit" className={secondaryButtonClass}>
              Join team
            </button>
          </form>
        </div>
      </Card>
    );
  }
  const members = await database.prisma.teamMember.findMany({ where: { teamId: team.id }, include: { user: { select: { email: true } } }, orderBy: { joinedAt: "asc" } });
  return (
    <Card title={`Your team: ${team.name}`} id="team">
      <div className="mb-6 flex flex-wrap items-center justify-between gap-3 text-sm text-slate-600">
        <p>
          Members: {members.map((member) => member.user.email).join(", ")} · invite code <code data-testid="invite-code" className="rounded bg-slate-100 px-1">{team.inviteCode}</code>
        </p>
        <div className="flex gap-2">
          <form action={rotateInviteAction}>
            <input type="hidden" name="slug" value={slug} />
            <button type="submit" className={secondaryButtonClass}>
              New invite code
            </button>
          </form>
          <form action={leaveTeamAction}>
            <input type="hidden" name="slug" value={slug} />
            <button type="submit" className={secondaryButtonClass}>
              Leave team
            </button>
          </form>
        </div>
      </div>
      <TeamTokens slug={slug} timeZone={row.timeZone} retrievalUrl={row.legacyEndpointMode === "OFF" ? null : `/c/${slug}/retrieval/`} />
    </Card>
  );
}
