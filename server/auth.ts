import "server-only";
import { PrismaAdapter } from "@auth/prisma-adapter";
import NextAuth, { type DefaultSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import { verifyPassword } from "@/lib/auth/password";
import { settings } from "@/lib/config/env";
import { getDatabase } from "@/lib/db/client";
import { emailSchema } from "@/lib/users/create-user";
import { getSigningSecret } from "@/server/storage";

declare module "next-auth" {
  interface Session {
    user: { id: string } & DefaultSession["user"];
  }
}

// Auth.js v5: e-mail + password (scrypt) always, GitHub when its variables are set. Sessions are JWTs (the
// credentials provider requires it); the Prisma adapter keeps OAuth accounts linked to users.
export const { handlers, auth, signIn, signOut } = NextAuth(async () => {
  const database = await getDatabase();
  const config = settings();
  return {
    adapter: PrismaAdapter(database.prisma as never),
    session: { strategy: "jwt" },
    secret: config.authSecret ?? getSigningSecret(),
    trustHost: true,
    pages: { signIn: "/sign-in" },
    providers: [
      Credentials({
        credentials: { email: { label: "E-mail", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(raw) {
          const email = emailSchema.safeParse(raw?.email);
          if (!email.success || typeof raw?.password !== "string") return null;
          const user = await database.prisma.user.findUnique({ where: { email: email.data }, omit: { passwordHash: false } });
          if (!user || !(await verifyPassword(raw.password, user.passwordHash))) return null;
          return { id: user.id, email: user.email, name: user.name };
        },
      }),
      ...(config.github ? [GitHub({ clientId: config.github.clientId, clientSecret: config.github.clientSecret })] : []),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user?.id) token.sub = user.id;
        return token;
      },
      session({ session, token }) {
        if (token.sub) session.user.id = token.sub;
        return session;
      },
    },
  };
});

export const githubEnabled = () => settings().github !== null;
