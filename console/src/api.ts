// The console's HTTP client: same-origin fetch with the session cookie (or, for integrators' kiosks, an
// API token kept in sessionStorage). A 401 anywhere means "signed out": the shell asks for a sign-in.
// Except for a request sent before the latest sign-in: its 401 speaks of the session that had ended, not
// of the new one, so it is sent once more (a 401 means the service did not act on it, so this is safe
// for changes too) and only a 401 to that says the new session is over.
// A request that gets no whole answer in time fails (ApiTimeout) instead of leaving its page, or the
// alarm's start-up, waiting without a word for as long as a half-open connection or a stuck proxy lasts.
import { t } from './i18n/index.ts'
import { errorText, type Failure } from './parts/error-text.ts'

/** longer than any route takes when the service is well (a device command waits ≤ 10 s for its ack) */
export const API_TIMEOUT_MS = 15_000

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** the answer's Retry-After, in seconds (a 429) */
    readonly retryAfterS?: number,
  ) {
    super(message)
  }
}

/** the service did not answer (headers and body) within `afterS` seconds */
export class ApiTimeout extends Error {
  constructor(readonly afterS: number) {
    super(t.value('load.timeout', { s: afterS }))
  }
}

/** what a failed call tells: the API's answer, or that there was none */
export function failureOf(err: unknown): Failure {
  if (err instanceof ApiError)
    return { status: err.status, code: err.code, message: err.message, retryAfterS: err.retryAfterS }
  if (err instanceof ApiTimeout) return { message: err.message, timedOutS: err.afterS }
  // fetch rejects with a TypeError when there was no answer at all
  if (err instanceof TypeError) return { message: err.message, unreachable: true }
  return { message: err instanceof Error ? err.message : String(err) }
}

/** why a call failed, in the page's language, for a person to act on */
export const explain = (err: unknown): string => errorText(failureOf(err), t.value)

export interface Api {
  get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T>
  post<T>(path: string, body?: unknown): Promise<T>
  del<T>(path: string): Promise<T>
  /** the kiosk's API token, while there is one */
  readonly token: string | undefined
}

/** `token`: read on every request, so a kiosk token found revoked can be dropped for a person's sign-in */
export function createApi(opts: { token: () => string | undefined; onUnauthorized: () => void }): Api {
  /** the answer's status and body, or ApiTimeout once API_TIMEOUT_MS passed without them */
  const exchange = async (path: string, init: RequestInit) => {
    const abort = new AbortController()
    // a timer of the page's own (not AbortSignal.timeout): a test's fake clock can move it on
    const timer = setTimeout(() => abort.abort(), API_TIMEOUT_MS)
    try {
      const res = await fetch(`/api/v1${path}`, { ...init, signal: abort.signal })
      return { res, text: await res.text() }
    } catch (err) {
      if (abort.signal.aborted) throw new ApiTimeout(API_TIMEOUT_MS / 1000)
      throw err
    } finally {
      clearTimeout(timer)
    }
  }
  /** successful sign-ins through this client: which session a request went out with */
  let signIns = 0
  const call = async <T>(method: string, path: string, body?: unknown, again = false): Promise<T> => {
    const sentAfter = signIns
    const headers: Record<string, string> = { accept: 'application/json' }
    const token = opts.token()
    if (token) headers.authorization = `Bearer ${token}`
    if (body !== undefined) headers['content-type'] = 'application/json'
    const { res, text } = await exchange(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    let parsed: unknown
    try {
      parsed = text ? JSON.parse(text) : undefined
    } catch {
      parsed = undefined
    }
    if (!res.ok) {
      const e = (parsed ?? {}) as { error?: string; message?: string }
      // the sign-in route answers 401 for a wrong password: that is not "the session ended"
      if (res.status === 401 && path !== '/session') {
        if (sentAfter === signIns) opts.onUnauthorized()
        else if (!again) return call<T>(method, path, body, true)
      }
      const retryAfterS = Number(res.headers.get('retry-after') ?? Number.NaN)
      throw new ApiError(
        res.status,
        e.error ?? `HTTP_${res.status}`,
        e.message ?? res.statusText,
        Number.isFinite(retryAfterS) ? retryAfterS : undefined,
      )
    }
    if (method === 'POST' && path === '/session') signIns++
    return parsed as T
  }
  return {
    get token() {
      return opts.token()
    },
    get: (path, query) => {
      const q = new URLSearchParams()
      for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') q.set(k, String(v))
      const qs = q.toString()
      return call('GET', qs ? `${path}?${qs}` : path)
    },
    post: (path, body) => call('POST', path, body ?? {}),
    del: (path) => call('DELETE', path),
  }
}
