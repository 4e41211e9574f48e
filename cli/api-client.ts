import { AppError, type ErrorCode } from "../lib/errors/app-error";
import { readCliConfig, type CliConfig } from "./config-file";

/** Calls the Podium API with the stored token; API errors become AppErrors with the server's message. */
export class ApiClient {
  constructor(readonly config: CliConfig) {}

  static fromConfig(): ApiClient {
    return new ApiClient(readCliConfig());
  }

  /** A request whose response the caller reads itself (forms, CSV). */
  async raw(method: string, path: string, body?: BodyInit, headers: Record<string, string> = {}): Promise<Response> {
    try {
      return await fetch(new URL(path, this.config.server), { method, headers: { authorization: `Bearer ${this.config.token}`, ...headers }, body });
    } catch (error) {
      throw new AppError("UNAVAILABLE", `cannot reach ${this.config.server}: ${error instanceof Error ? (error.cause as Error | undefined)?.message ?? error.message : String(error)}`);
    }
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.raw(method, path, body === undefined ? undefined : JSON.stringify(body), body === undefined ? {} : { "content-type": "application/json" });
    const text = await response.text();
    let data: unknown = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      // a non-JSON answer is reported below
    }
    if (!response.ok) {
      const error = (data as { error?: { code?: string; message?: string } } | null)?.error;
      const code = (error?.code ?? (response.status === 404 ? "NOT_FOUND" : "INTERNAL")) as ErrorCode;
      throw new AppError(code in { BAD_REQUEST: 1, UNAUTHORIZED: 1, FORBIDDEN: 1, NOT_FOUND: 1, CONFLICT: 1, INVALID_SUBMISSION: 1, QUOTA_EXCEEDED: 1, UNAVAILABLE: 1 } ? code : "INTERNAL", error?.message ?? `${response.status} ${text.slice(0, 200)}`);
    }
    return data as T;
  }
}
