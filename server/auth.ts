import "server-only";
import { PrismaAdapter } from "@auth/prisma-adapter";
import NextAuth, { CredentialsSignin, type DefaultSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import { endBrowserSession, isBrowserSessionOpen, openBrowserSession, SESSION_MAX_AGE_SECONDS } from "@/lib/auth/browser-sessions";
import { verifySignIn } from "@/lib/auth/password";
import { recordSignInFailure, signInGate } from "@/lib/auth/sign-in-guard";
import { clientAddressOf } from "@/lib/rate-limits/client-address";
import { settings } from "@/lib/config/env";
import { getDatabase } from "@/lib/db/client";
import { emailSchema } from "@/lib/users/create-user";
import { getSigningSecret } from "@/server/storage";

declare module "next-auth" {
  interface Session {
    user: { id: string } & DefaultSession["user"];
  }
}

/** Too many failed sign-ins: the redirect's `code` says for how many seconds (`locked-<seconds>`). */
export class SignInLockedOut extends CredentialsSignin {
  constructor(retryAfterSeconds: number) {
    super();
    this.code = `locked-${retryAfterSeconds}`;
  }
}

// Auth.js v5: e-mail + password (scrypt) always, GitHub when its variables are set. Sessions are JWTs (the
// credentials provider requires it), each naming a row of `sessions` so that signing out really ends it
// (lib/auth/browser-sessions.ts); the Prisma adapter keeps OAuth accounts linked to users.
export const { handlers, auth, signIn, signOut } = NextAuth(async () => {
  const database = await getDatabase();
  const config = settings();
  return {
    adapter: PrismaAdapter(database.prisma as never),
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    secret: config.authSecret ?? getSigningSecret(),
    trustHost: true,
    pages: { signIn: "/sign-in" },
    providers: [
      Credentials({
        credentials: { email: { label: "E-mail", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(raw, request) {
          const email = emailSchema.safeParse(raw?.email);
          if (!email.success || typeof raw?.password !== "string") return null;
          const address = clientAddressOf(request.headers.get("x-forwarded-for"), config.env.PODIUM_TRUSTED_PROXY_HOPS);
          const gate = await signInGate(database.prisma, email.data, address);
          if (!gate.allowed) throw new SignInLockedOut(gate.retryAfterSeconds);
          const user = await database.prisma.user.findUnique({ where: { email: email.data }, omit: { passwordHash: false } });
          // An unknown e-mail costs the same scrypt work as a wrong password: timing tells nothing.
          if (!(await verifySignIn(raw.password, user?.passwordHash)) || !user) {
            await recordSignInFailure(database.prisma, email.data, address);
            return null;
          }
          return { id: user.id, email: user.email, name: user.name };
        },
      }),
      ...(config.github ? [GitHub({ clientId: config.github.clientId, clientSecret: config.github.clientSecret })] : []),
    ],
    events: {
      async signOut(message) {
        if ("token" in message && message.token) await endBrowserSession(database.prisma, message.token.sid);
      },
    },
    callbacks: {
      async jwt({ token, user }) {
        if (user?.id) {
          token.sub = user.id;
          token.sid = await openBrowserSession(database.prisma, user.id);
          return token;
        }
        // Every later use: a session signed out (or ended by a password change) is over, whatever the cookie says.
        return (await isBrowserSessionOpen(database.prisma, token.sid, token.sub)) ? token : null;
      },
      session({ session, token }) {
        if (token.sub) session.user.id = token.sub;
        return session;
      },
    },
  };
});

export const githubEnabled = () => settings().github !== null;
