// Why something failed, in the page's language: the API's messages are English sentences for integrators,
// so the answers a person meets at the console (session ended, not allowed, not found, too many tries, no answer)
// are said in its own words; anything else keeps the API's sentence, which names what to fix.
// It asks only for the `error.*` and `load.*` words (any Translate will do), so it needs no browser to be tested.
import type { MessageKey } from '../i18n/zh-CN.ts'

type ErrorWords = (
  key: Extract<MessageKey, `error.${string}` | `load.${string}`>,
  vars?: Record<string, string | number>,
) => string

/** what the console knows of a failure: the API's answer, or no answer (in time, or at all) */
export interface Failure {
  /** the HTTP status of the API's answer */
  status?: number
  /** the API's error code (`DEVICE_OFFLINE`) */
  code?: string
  message: string
  /** the answer's Retry-After (a 429) */
  retryAfterS?: number
  /** no answer within this many seconds */
  timedOutS?: number
  /** no answer at all: refused, cut off, no network */
  unreachable?: boolean
}

export function errorText(e: Failure, tr: ErrorWords): string {
  if (e.timedOutS !== undefined) return tr('load.timeout', { s: e.timedOutS })
  if (e.unreachable) return tr('load.unreachable')
  switch (e.status) {
    case 401:
      return tr('error.sessionEnded')
    case 403:
      return tr('error.forbidden')
    // a page opened for a thing that is gone (a device decommissioned) or not the person's to see
    case 404:
      return tr('error.notFound')
    case 429: {
      const s = Math.max(1, Math.ceil(e.retryAfterS ?? 1))
      return s < 60 ? tr('error.tooManyS', { s }) : tr('error.tooManyMin', { min: Math.ceil(s / 60) })
    }
    default:
      return e.message
  }
}
