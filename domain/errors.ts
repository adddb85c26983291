// One small error hierarchy with stable codes; `status` is the HTTP status where one applies.
export const ERROR_CODES = {
  PAYLOAD_INVALID: 400,
  BAD_REQUEST: 400,
  /** a list cursor that is not one we issued (garbled, forged, or from another list) */
  BAD_CURSOR: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  DEVICE_UNKNOWN: 404,
  CONFLICT: 409,
  DEVICE_OFFLINE: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INFLUX_UNAVAILABLE: 503,
  NOT_READY: 503,
  INFLUX_QUERY_FAILED: 502,
  DEVICE_TIMEOUT: 504,
  CONFIG_INVALID: 500,
  INTERNAL: 500,
} as const
export type ErrorCode = keyof typeof ERROR_CODES

export class CourtyardError extends Error {
  readonly code: ErrorCode
  readonly status: number
  /**
   * What a 5xx answer may tell the caller instead of the code's general sentence (api/errors.ts). The
   * message of a 5xx is only logged, as it may name hosts, ports and upstream errors; a public message
   * is built from what the caller already knows or owns (its device, its command id), never from those.
   */
  readonly publicMessage?: string
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; publicMessage?: string }) {
    super(message, options)
    this.name = 'CourtyardError'
    this.code = code
    this.status = ERROR_CODES[code]
    if (options?.publicMessage !== undefined) this.publicMessage = options.publicMessage
  }
}

export const isCourtyardError = (e: unknown): e is CourtyardError => e instanceof CourtyardError

/**
 * The end of a `switch` over a closed union: it compiles only when every member has a case, so a new
 * member (a device kind, an alert type) cannot be silently ignored; reached at run time, it throws.
 */
export function unreachable(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`)
}
