import { z } from "zod";
import { ApiClient } from "../api-client";
import { parseCommandArgs } from "../args";
import { writeCliConfig } from "../config-file";
import type { CliIO } from "../podium";

export const usage = `Usage: podium login --server URL --token TOKEN

Checks the token against the server and stores both in your config folder ($XDG_CONFIG_HOME/podium, mode 600);
every later command uses them.`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs(
    argv,
    { server: { type: "string" }, token: { type: "string" } },
    z.object({ server: z.url({ message: "must be a URL such as http://localhost:3000" }), token: z.string({ message: "is required" }).min(1), positionals: z.array(z.string()).max(0) }),
    usage,
  );
  const server = args.server.replace(/\/+$/, "");
  const me = await new ApiClient({ server, token: args.token }, 0).request<{ email: string; isAdmin: boolean }>("GET", "/api/v1/me");
  const path = writeCliConfig({ server, token: args.token });
  io.stdout(`logged in to ${server} as ${me.email}${me.isAdmin ? " (admin)" : ""}; settings in ${path}`);
  return 0;
}
