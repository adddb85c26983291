// The console's HTTP client: same-origin fetch with the session cookie (or, for integrators' kiosks, an
// API token kept in sessionStorage). A 401 anywhere means "signed out": the shell shows the sign-in page.
// A request that gets no whole answer in time fails (ApiTimeout) instead of leaving its page, or the
// alarm's start-up, waiting without a word for as long as a half-open connection or a stuck proxy lasts.
import { t } from './i18n/index.ts'

/** longer than any route takes when the service is well (a device command waits ≤ 10 s for its ack) */
export const API_TIMEOUT_MS = 15_000

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
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

export interface Api {
  get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T>
  post<T>(path: string, body?: unknown): Promise<T>
  del<T>(path: string): Promise<T>
  token?: string
}

export function createApi(opts: { token?: string; onUnauthorized: () => void }): Api {
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
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const headers: Record<string, string> = { accept: 'application/json' }
    if (opts.token) headers.authorization = `Bearer ${opts.token}`
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
      if (res.status === 401 && path !== '/session') opts.onUnauthorized()
      throw new ApiError(res.status, e.error ?? `HTTP_${res.status}`, e.message ?? res.statusText)
    }
    return parsed as T
  }
  return {
    token: opts.token,
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
