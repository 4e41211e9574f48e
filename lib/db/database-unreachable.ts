// Whether a failure means "the database cannot be reached right now" (a restart, a failover, a network cut) rather
// than a bug: such a request changed nothing and may be repeated, so the web tier answers 503 with Retry-After.

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "EPIPE"]);
// PostgreSQL: admin shutdown, crash shutdown, cannot connect now; connection exceptions (class 08).
const POSTGRES_CODES = new Set(["57P01", "57P02", "57P03", "08000", "08001", "08003", "08004", "08006"]);
// Prisma: can't reach the server, timed out, server closed the connection.
const PRISMA_CODES = new Set(["P1001", "P1002", "P1017"]);
// Kinds of @prisma/driver-adapter-utils errors that say the same.
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
const MESSAGES = /can't reach database server|connection terminated|connect ECONNREFUSED|the database system is (starting up|shutting down|in recovery mode)|Connection terminated unexpectedly|server closed the connection unexpectedly|timeout exceeded when trying to connect|has encountered a connection error and is not queryable/i;

/** Walks the error, its causes and the driver adapter's error Prisma keeps in `meta.driverAdapterError`. */
export function isDatabaseUnreachable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 8; depth++) {
    if (typeof current !== "object") return false;
    const { code, kind, message, originalCode } = current as { code?: unknown; kind?: unknown; message?: unknown; originalCode?: unknown };
    for (const value of [code, originalCode]) {
      if (typeof value === "string" && (NETWORK_CODES.has(value) || POSTGRES_CODES.has(value) || PRISMA_CODES.has(value))) return true;
    }
    if (typeof kind === "string" && ADAPTER_KINDS.has(kind)) return true;
    if (typeof message === "string" && MESSAGES.test(message)) return true;
    const { meta, cause } = current as { meta?: { driverAdapterError?: unknown }; cause?: unknown };
    current = meta?.driverAdapterError ?? cause;
  }
  return false;
}
