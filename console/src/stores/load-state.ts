// Whether a page knows yet: until the load a page's summaries stand on (counts, "all clear", "none") has
// answered, they are unknown and the page says so; a failed load says why and tries again by itself,
// at once when the person asks. A newer attempt (a changed filter) makes an older one's answer moot.
import { batch, signal } from '@preact/signals'
import { ApiError, ApiTimeout } from '../api.ts'

export type LoadStatus = 'loading' | 'ready' | 'failed'
/**
 * the API answered with an error (its message and HTTP status), or the request never got an answer:
 * refused or cut off, or none within `timedOutS` seconds
 */
export type Failure =
  | { reached: true; status: number; message: string; retryAfterS?: number }
  | { reached: false; timedOutS?: number }

/** waits between automatic attempts after failures: a restarting service answers within seconds */
const RETRY_MS: readonly number[] = [3_000, 6_000, 12_000, 30_000]

/**
 * a refusal that asking again will not change (a missing site, no access). Not a 401: the shell is
 * paused under the sign-in form then, and once the person signs back in the next attempt goes through.
 */
const isPermanent = (err: unknown) =>
  err instanceof ApiError && err.status >= 400 && err.status < 500 && ![401, 408, 429].includes(err.status)

export interface LoadState {
  status: { readonly value: LoadStatus }
  /** why the last attempt failed: the API's answer, or that the service was not reached */
  error: { readonly value: Failure | undefined }
  /** an attempt after a failure is under way */
  retrying: { readonly value: boolean }
  /** a failed load will be tried again without anyone asking */
  willRetry: { readonly value: boolean }
  retryNow(): void
}

export function createLoadState(
  load: (isCurrent: () => boolean) => Promise<void>,
  opts: { retryMs?: readonly number[] } = {},
) {
  const delays = opts.retryMs ?? RETRY_MS
  const status = signal<LoadStatus>('loading')
  const error = signal<Failure | undefined>(undefined)
  const retrying = signal(false)
  const willRetry = signal(false)
  let generation = 0
  let failures = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  let disposed = false

  const attempt = async (fresh: boolean): Promise<void> => {
    clearTimeout(timer)
    timer = undefined
    const gen = ++generation
    const isCurrent = () => gen === generation && !disposed
    batch(() => {
      if (fresh) {
        failures = 0
        status.value = 'loading'
        error.value = undefined
      }
      retrying.value = !fresh
      willRetry.value = false
    })
    try {
      await load(isCurrent)
      if (!isCurrent()) return
      failures = 0
      batch(() => {
        status.value = 'ready'
        error.value = undefined
        retrying.value = false
      })
    } catch (err) {
      if (!isCurrent()) return
      const again = !isPermanent(err)
      batch(() => {
        status.value = 'failed'
        // fetch rejects (a TypeError) when there was no answer at all: no address, refused, cut off
        error.value =
          err instanceof ApiError
            ? { reached: true, status: err.status, message: err.message, retryAfterS: err.retryAfterS }
            : err instanceof ApiTimeout
              ? { reached: false, timedOutS: err.afterS }
              : { reached: false }
        retrying.value = false
        willRetry.value = again
      })
      if (again) timer = setTimeout(() => void attempt(false), delays[Math.min(failures, delays.length - 1)])
      failures++
    }
  }

  return {
    status,
    error,
    retrying,
    willRetry,
    /** the first attempt, or a new one that supersedes any under way (e.g. the filter changed) */
    load: () => attempt(true),
    retryNow: () => void attempt(false),
    dispose() {
      disposed = true
      clearTimeout(timer)
    },
  }
}
