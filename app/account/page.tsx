import type { Metadata } from "next";
import { CreateTokenForm } from "@/components/create-token-form";
import { buttonClass, Card, EmptyState, Field, inputClass, Notice, PageShell, secondaryButtonClass } from "@/components/ui";
import { listApiTokens } from "@/lib/auth/api-tokens";
import { changePasswordAction, revokeTokenAction } from "@/server/actions/account-actions";
import { getDatabase } from "@/lib/db/client";
import { formatOptionalTime, formatTime } from "@/lib/time/format-time";
import { requirePageActor } from "@/server/page-actor";

export const metadata: Metadata = { title: "Account" };
export const dynamic = "force-dynamic";

export default async function AccountPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const query = await searchParams;
  const actor = await requirePageActor("/account");
  const { prisma } = await getDatabase();
  const [user, tokens] = await Promise.all([prisma.user.findUniqueOrThrow({ where: { id: actor.userId }, omit: { passwordHash: false } }), listApiTokens(prisma, actor.userId)]);
  return (
    <PageShell title="Your account" subtitle={`${user.email}${user.isAdmin ? " · platform admin" : ""}`}>
      {query.error ? <Notice kind="error">{query.error}</Notice> : null}
      {query.revoked ? <Notice kind="success">Token revoked: it no longer works.</Notice> : null}
      {query.password === "changed" ? <Notice kind="success">Password changed. Every other browser signed in as you was signed out; your API tokens still work.</Notice> : null}
      <Card title="API tokens" id="tokens">
        <p className="mb-4 text-sm text-slate-600">
          Tokens let the <code>podium</code> CLI and scripts act as you: <code>podium login --server URL --token TOKEN</code>.
        </p>
        <CreateTokenForm />
        {tokens.length === 0 ? (
          <EmptyState title="No tokens yet">Create one to use the CLI or the API.</EmptyState>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th className="py-2">Name</th>
                <th>Starts with</th>
                <th>Created</th>
                <th>Last used</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {tokens.map((token) => (
                <tr key={token.id}>
                  <td className="py-2 font-medium">{token.name}</td>
                  <td className="font-mono text-xs">{token.prefix}…</td>
                  <td>{formatTime(token.createdAt, "UTC")}</td>
                  <td>{formatOptionalTime(token.lastUsedAt, "UTC", "never")}</td>
                  <td className="text-right">
                    {token.revokedAt ? (
                      <span className="text-xs text-slate-500">revoked</span>
                    ) : (
                      <form action={revokeTokenAction}>
                        <input type="hidden" name="id" value={token.id} />
                        <button type="submit" className={secondaryButtonClass}>
                          Revoke
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      {user.passwordHash ? (
        <Card title="Password" id="password">
          <p className="mb-4 text-sm text-slate-600">Changing it signs out every other browser signed in as you.</p>
          <form action={changePasswordAction} className="grid max-w-md gap-3">
            <Field label="Current password" name="currentPassword">
              <input id="currentPassword" name="currentPassword" type="password" autoComplete="current-password" required className={inputClass} />
            </Field>
            <Field label="New password" name="newPassword" hint="at least 8 characters, not easy to guess">
              <input id="newPassword" name="newPassword" type="password" autoComplete="new-password" required minLength={8} maxLength={200} className={inputClass} />
            </Field>
            <Field label="New password again" name="confirmPassword">
              <input id="confirmPassword" name="confirmPassword" type="password" autoComplete="new-password" required minLength={8} maxLength={200} className={inputClass} />
            </Field>
            <div>
              <button type="submit" className={buttonClass}>
                Change password
              </button>
            </div>
          </form>
        </Card>
      ) : null}
    </PageShell>
  );
}
