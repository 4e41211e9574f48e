import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Markdown } from "@/components/markdown";
import { Card, EmptyState, Field, Notice, PageShell, buttonClass, inputClass, secondaryButtonClass } from "@/components/ui";
import { createTeamAction, joinTeamAction, leaveTeamAction, rotateInviteAction } from "@/server/actions/competition-actions";
import { competitionRoleOf } from "@/lib/auth/actor";
import { presentCompetition } from "@/lib/competitions/competition-settings";
import { getDatabase } from "@/lib/db/client";
import { describeQuota } from "@/lib/teams/describe-quota";
import { getTeamSummary } from "@/lib/teams/team-summary";
import { getActor } from "@/server/actor";
import { LiveLeaderboard } from "@/components/live-leaderboard";
import { ModelSubmit } from "@/components/model-submit";
import { ResultsSubmit } from "@/components/results-submit";
import { TeamSubmissions } from "@/components/team-submissions";
import { TeamTokens } from "@/components/team-tokens";
import type { Actor } from "@/lib/auth/actor";
import type { PodiumPrisma } from "@/lib/db/open-database";
import { isAppError } from "@/lib/errors/app-error";
import { getLeaderboard } from "@/lib/leaderboards/get-leaderboard";
import { listTeamSubmissions } from "@/lib/submissions/list-submissions";
import { formatOptionalTime } from "@/lib/time/format-time";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ slug: string }> }): Promise<Metadata> {
  const { slug } = await params;
  return { title: slug };
}

async function boardOrReason(prisma: PodiumPrisma, actor: Actor, slug: string, board: "public" | "private") {
  try {
    return { ok: true as const, value: await getLeaderboard(prisma, actor, slug, board) };
  } catch (error) {
    if (!isAppError(error)) throw error;
    return { ok: false as const, error: error.message };
  }
}

export default async function CompetitionPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<Record<string, string | undefined>> }) {
  const { slug } = await params;
  const query = await searchParams;
  const database = await getDatabase();
  const { prisma } = database;
  const row = await prisma.competition.findUnique({ where: { slug }, include: { activeDatasetVersion: true } });
  if (!row) notFound();
  const actor = await getActor();
  const role = await competitionRoleOf(prisma, actor, row.id);
  const competition = presentCompetition(row, "public");
  const dataset = row.activeDatasetVersion;
  const [publicBoard, privateBoard] = await Promise.all([boardOrReason(prisma, actor, slug, "public"), boardOrReason(prisma, actor, slug, "private")]);
  const member = actor ? await prisma.teamMember.findUnique({ where: { competitionId_userId: { competitionId: row.id, userId: actor.userId } }, include: { team: true } }) : null;
  const team = member?.team ?? null;
  const submissions = team ? (await listTeamSubmissions(prisma, actor, slug)).submissions : [];
  const members = team ? await prisma.teamMember.findMany({ where: { teamId: team.id }, include: { user: { select: { email: true } } }, orderBy: { joinedAt: "asc" } }) : [];
  // Counted by the code that refuses entries, so what it says is what the next entry meets.
  const quota = team ? (await getTeamSummary(database, actor, slug)).quota : null;
  const privateCard = privateBoard.ok ? (
    <Card title="Private leaderboard" id="private-leaderboard">
      <LiveLeaderboard
        slug={slug}
        board="private"
        initial={privateBoard.value}
        intervalMs={15000}
        timeZone={row.timeZone}
        publicRanks={row.revealedAt && publicBoard.ok ? publicBoard.value.rows.map(({ team: name, rank }) => ({ team: name, rank })) : undefined}
      />
    </Card>
  ) : null;
  return (
    <PageShell
      title={competition.title}
      subtitle={competition.startsAt || competition.endsAt ? `${formatOptionalTime(competition.startsAt, competition.timeZone)} – ${formatOptionalTime(competition.endsAt, competition.timeZone)}` : "Open — no schedule set"}
      actions={
        role === "organizer" || role === "admin" ? (
          <Link href={`/c/${slug}/manage`} className={secondaryButtonClass}>
            Organizer dashboard
          </Link>
        ) : null
      }
    >
      {query.error ? <Notice kind="error">{query.error}</Notice> : null}
      {query.joined ? <Notice kind="success">Your team is registered.</Notice> : null}
      {query.selection ? <Notice kind="success">Your final selection is saved.</Notice> : null}
      {query.left ? <Notice kind="success">You left your team.</Notice> : null}
      {query.rotated ? <Notice kind="success">Your team has a new invite code; the old one no longer works.</Notice> : null}
      <Card title="Overview" id="overview">
        <Markdown source={competition.description} />
        <dl className="mt-6 grid grid-cols-2 gap-4 text-sm sm:grid-cols-4">
          <div>
            <dt className="text-slate-500">Score</dt>
            <dd className="font-mono">{competition.weights}</dd>
          </div>
          <div>
            <dt className="text-slate-500">Entries</dt>
            <dd>{competition.submissionKinds.join(" or ")}</dd>
          </div>
          <div>
            <dt className="text-slate-500">Daily limit</dt>
            <dd>{competition.dailyLimit ?? "none"}</dd>
          </div>
          <div>
            <dt className="text-slate-500">Team size</dt>
            <dd>up to {competition.teamSize}</dd>
          </div>
          {competition.leaderboard === "frozen" && competition.freezeAt ? (
            <div>
              <dt className="text-slate-500">Public board freezes</dt>
              <dd>{formatOptionalTime(competition.freezeAt, competition.timeZone)}</dd>
            </div>
          ) : null}
        </dl>
      </Card>
      <Card title="Rules" id="rules">
        <Markdown source={competition.rules} />
      </Card>
      <Card title="Data" id="data">
        {dataset ? (
          <div className="space-y-3 text-sm text-slate-700">
            <p>
              {dataset.queryCount.toLocaleString("en")} query images
              {row.submissionKinds.length === 1 && row.submissionKinds[0] === "MODEL" ? " — the gallery stays hidden: submit a model" : `, ${dataset.galleryCount.toLocaleString("en")} gallery images`}
              {dataset.trainingCount > 0 ? `, ${dataset.trainingCount.toLocaleString("en")} labelled training images` : ""}. Labels of the test set are never published.
            </p>
            {role === "none" ? (
              actor ? (
                <div className="space-y-4">
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
              ) : (
                <p className="text-slate-500">
                  <Link href={`/sign-in?next=/c/${slug}`} className="font-medium text-podium-700 underline">
                    Sign in
                  </Link>{" "}
                  and join a team to download the data.
                </p>
              )
            ) : (
              <div className="flex flex-wrap items-center gap-3">
                <a href={`/api/v1/competitions/${slug}/bundle?redirect=1`} className={buttonClass}>
                  Download the data (.zip)
                </a>
                <a href="/podium_client.py" className={secondaryButtonClass} download>
                  Python client (podium_client.py)
                </a>
              </div>
            )}
            <p className="mt-3 text-xs text-slate-500">
              Score your own validation split with this competition&apos;s metric, then submit, from Python (standard library only):{" "}
              <code className="break-all">python3 podium_client.py score --weights {competition.weights} --truth val.json results.json</code>
            </p>
          </div>
        ) : (
          <EmptyState title="No data published yet">The organizers have not activated a dataset.</EmptyState>
        )}
      </Card>
      {team ? (
        <Card title={`Your team: ${team.name}`} id="team">
          <div className="mb-6 flex flex-wrap items-center justify-between gap-3 text-sm text-slate-600">
            <p>
              Members: {members.map((member) => member.user.email).join(", ")} · invite code <code data-testid="invite-code" className="rounded bg-slate-100 px-1">{team.inviteCode}</code>
            </p>
            <div className="flex gap-2">
              <form action={rotateInviteAction}>
                <input type="hidden" name="slug" value={slug} />
                <button type="submit" className={secondaryButtonClass}>New invite code</button>
              </form>
              <form action={leaveTeamAction}>
                <input type="hidden" name="slug" value={slug} />
                <button type="submit" className={secondaryButtonClass}>Leave team</button>
              </form>
            </div>
          </div>
          {quota ? (
            <p data-testid="entries-left" className="mb-4 text-sm font-medium text-slate-700">
              {describeQuota(quota, row.timeZone)}
            </p>
          ) : null}
          {row.submissionKinds.includes("RESULTS") ? (
            <section aria-label="Submit a results file" className="space-y-2">
              <h3 className="text-sm font-semibold text-slate-800">Submit a results file</h3>
              <ResultsSubmit slug={slug} />
            </section>
          ) : null}
          {row.submissionKinds.includes("MODEL") ? (
            <section aria-label="Submit a model" className="space-y-2">
              <h3 className="text-sm font-semibold text-slate-800">Submit an ONNX model</h3>
              <ModelSubmit slug={slug} />
            </section>
          ) : null}
          <TeamSubmissions slug={slug} submissions={submissions} finalLimit={row.finalSelectionLimit} timeZone={row.timeZone} />
          <TeamTokens slug={slug} timeZone={row.timeZone} retrievalUrl={row.legacyEndpointMode === "OFF" ? null : `/c/${slug}/retrieval/`} />
        </Card>
      ) : null}
      {/* After the reveal the private board is the result: it comes first, with each team's move from the public one. */}
      {row.revealedAt ? privateCard : null}
      <Card title="Leaderboard" id="leaderboard">
        {publicBoard.ok ? <LiveLeaderboard slug={slug} board="public" initial={publicBoard.value} timeZone={row.timeZone} /> : <Notice kind="info">{publicBoard.error}</Notice>}
      </Card>
      {row.revealedAt ? null : privateCard}
    </PageShell>
  );
}
