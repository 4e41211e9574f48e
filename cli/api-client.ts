import { AppError, type ErrorCode } from "../lib/errors/app-error";
import { readCliConfig, type CliConfig } from "./config-file";

/** Calls the Podium API with the stored token; API errors become AppErrors with the server's message. */
export class ApiClient {
  constructor(readonly config: CliConfig) {}

  static fromConfig(): ApiClient {
    return new ApiClient(readCliConfig());
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(new URL(path, this.config.server), {
        method,
        headers: { authorization: `Bearer ${this.config.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new AppError("UNAVAILABLE", `cannot reach ${this.config.server}: ${error instanceof Error ? (error.cause as Error | undefined)?.message ?? error.message : String(error)}`);
    }
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
