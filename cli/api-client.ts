import { AppError, type ErrorCode } from "../lib/errors/app-error";
import { readCliConfig, type CliConfig } from "./config-file";

/** How long a read keeps trying a server it cannot reach. */
const READ_RETRY_MS = 30_000;

/** Calls the Podium API with the stored token; API errors become AppErrors with the server's message. */
export class ApiClient {
  /** `readRetryMs`: how long a read keeps trying a server it cannot reach (0 for `podium login`, to name a typo at once). */
  constructor(
    readonly config: CliConfig,
    private readonly readRetryMs = READ_RETRY_MS,
  ) {}

  static fromConfig(): ApiClient {
    return new ApiClient(readCliConfig());
  }

  /** A URL the server gave, made absolute against the server (signed folder-store URLs are relative). */
  resolve(url: string): URL {
    return new URL(url, this.config.server);
  }

  /**
   * A request whose response the caller reads itself (forms, CSV). A read (GET, HEAD) that cannot reach the server
   * — it is restarting, a connection dropped — is tried again for up to `READ_RETRY_MS`; writes are the caller's to
   * retry (with an Idempotency-Key where the route takes one).
   */
  async raw(method: string, path: string, body?: BodyInit, headers: Record<string, string> = {}): Promise<Response> {
    const deadline = Date.now() + (method === "GET" || method === "HEAD" ? this.readRetryMs : 0);
    for (let attempt = 1; ; attempt++) {
      try {
        return await fetch(new URL(path, this.config.server), { method, headers: { authorization: `Bearer ${this.config.token}`, ...headers }, body });
      } catch (error) {
        if (Date.now() >= deadline) {
          throw new AppError("UNAVAILABLE", `cannot reach ${this.config.server}: ${error instanceof Error ? (error.cause as Error | undefined)?.message ?? error.message : String(error)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(5, attempt) * 1000));
      }
    }
  }

  async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const response = await this.raw(method, path, body === undefined ? undefined : JSON.stringify(body), body === undefined ? headers : { "content-type": "application/json", ...headers });
    const text = await response.text();
    let data: unknown = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      // a non-JSON answer is reported below
    }
    if (!response.ok) throw apiError(response.status, data, text);
    return data as T;
  }
}

const KNOWN_CODES = new Set<ErrorCode>(["BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "INVALID_SUBMISSION", "QUOTA_EXCEEDED", "RATE_LIMITED", "PAYLOAD_TOO_LARGE", "UNAVAILABLE"]);
const CODE_OF_STATUS: Record<number, ErrorCode> = { 400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 409: "CONFLICT", 422: "INVALID_SUBMISSION", 429: "QUOTA_EXCEEDED", 503: "UNAVAILABLE" };

/** The server's error as an AppError with its code (so the CLI's exit status matches) and message. */
export function apiError(status: number, body: unknown, text = ""): AppError {
  const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
  const code = KNOWN_CODES.has(error?.code as ErrorCode) ? (error!.code as ErrorCode) : (CODE_OF_STATUS[status] ?? "INTERNAL");
  return new AppError(code, error?.message ?? `the server answered ${status} ${text.slice(0, 200)}`);
}
