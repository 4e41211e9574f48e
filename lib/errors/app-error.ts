/** Error codes Podium reports to users; each maps to one HTTP status and one CLI exit code. */
export const ERROR_CODES = {
  BAD_REQUEST: { status: 400, exit: 2 },
  UNAUTHORIZED: { status: 401, exit: 3 },
  FORBIDDEN: { status: 403, exit: 3 },
  NOT_FOUND: { status: 404, exit: 4 },
  CONFLICT: { status: 409, exit: 5 },
  PAYLOAD_TOO_LARGE: { status: 413, exit: 2 },
  INVALID_SUBMISSION: { status: 422, exit: 1 },
  QUOTA_EXCEEDED: { status: 429, exit: 6 },
  RATE_LIMITED: { status: 429, exit: 6 },
  UNAVAILABLE: { status: 503, exit: 7 },
  INTERNAL: { status: 500, exit: 10 },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** An expected failure with a message fit for the user; `cause` keeps the internal detail for logs. */
export class AppError extends Error {
  readonly code: ErrorCode;
  /** When the caller may usefully try again (a Retry-After header), for refusals that end by themselves. */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; retryAfterSeconds?: number }) {
    super(message, options);
    this.name = "AppError";
    this.code = code;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  get exitCode(): number {
    return ERROR_CODES[this.code].exit;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
