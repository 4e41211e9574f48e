import type { Metadata } from "next";
import { LiveLeaderboard } from "@/components/live-leaderboard";
import { Card, Notice } from "@/components/ui";
import type { Actor } from "@/lib/auth/actor";
import type { PodiumPrisma } from "@/lib/db/open-database";
import { isAppError } from "@/lib/errors/app-error";
import { getLeaderboard } from "@/lib/leaderboards/get-leaderboard";
import { loadCompetitionPage } from "@/server/competition-page";

export const metadata: Metadata = { title: "Leaderboard" };

async function boardOrReason(prisma: PodiumPrisma, actor: Actor, slug: string, board: "public" | "private") {
  try {
    return { ok: true as const, value: await getLeaderboard(prisma, actor, slug, board) };
  } catch (error) {
    if (!isAppError(error)) throw error;
    return { ok: false as const, error: error.message };
  }
}

export default async function CompetitionLeaderboardPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { database, row, actor } = await loadCompetitionPage(slug);
  const [publicBoard, privateBoard] = await Promise.all([boardOrReason(database.prisma, actor, slug, "public"), boardOrReason(database.prisma, actor, slug, "private")]);
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
    <>
      {/* After the reveal the private board is the result: it comes first, with each team's move from the public one. */}
      {row.revealedAt ? privateCard : null}
      <Card title="Public leaderboard" id="leaderboard">
        {publicBoard.ok ? <LiveLeaderboard slug={slug} board="public" initial={publicBoard.value} timeZone={row.timeZone} /> : <Notice kind="info">{publicBoard.error}</Notice>}
      </Card>
      {row.revealedAt ? null : privateCard}
    </>
  );
}
