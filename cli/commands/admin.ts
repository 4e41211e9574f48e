import { z } from "zod";
import { createApiToken } from "../../lib/auth/api-tokens";
import { openDatabase } from "../../lib/db/open-database";
import { createUser, findUserByEmailOrThrow, newUserSchema } from "../../lib/users/create-user";
import { parseCommandArgs } from "../args";
import type { CliIO } from "../podium";

export const usage = `Usage:
  podium admin create-user --email E --password P [--name N] [--admin]
  podium admin token --email E [--name N]

Server-side commands: they talk to the database of DATABASE_URL (or the embedded one under PODIUM_DATA_DIR, which
they refuse to open while a server holds it). A token is printed once; store it (podium login).`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "create-user") {
    const args = parseCommandArgs(
      rest,
      { email: { type: "string" }, password: { type: "string" }, name: { type: "string" }, admin: { type: "boolean" } },
      z.object({ email: z.string({ message: "is required" }), password: z.string({ message: "is required" }), name: z.string().optional(), admin: z.boolean().optional(), positionals: z.array(z.string()).max(0) }),
      usage,
    );
    const input = newUserSchema.safeParse({ email: args.email, password: args.password, name: args.name, isAdmin: args.admin ?? false });
    if (!input.success) {
      io.stderr(`podium: ${input.error.issues.map((issue) => `--${String(issue.path[0])}: ${issue.message}`).join("\n")}`);
      return 2;
    }
    const database = await openDatabase({ purpose: "podium admin create-user" });
    try {
      const user = await createUser(database.prisma, input.data);
      io.stdout(`created ${user.isAdmin ? "admin " : ""}user ${user.email}`);
      return 0;
    } finally {
      await database.close();
    }
  }
  if (sub === "token") {
    const args = parseCommandArgs(
      rest,
      { email: { type: "string" }, name: { type: "string" } },
      z.object({ email: z.string({ message: "is required" }), name: z.string().optional(), positionals: z.array(z.string()).max(0) }),
      usage,
    );
    const database = await openDatabase({ purpose: "podium admin token" });
    try {
      const user = await findUserByEmailOrThrow(database.prisma, args.email);
      const token = await createApiToken(database.prisma, { userId: user.id, name: args.name ?? `cli ${new Date().toISOString().slice(0, 10)}` });
      io.stdout(token.token);
      io.stderr(`token "${token.name}" for ${user.email}: shown once, store it now (podium login --server URL --token …)`);
      return 0;
    } finally {
      await database.close();
    }
  }
  io.stderr(usage);
  return 2;
}
