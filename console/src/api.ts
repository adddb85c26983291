// The console's HTTP client: same-origin fetch with the session cookie (or, for integrators' kiosks, an
// API token kept in sessionStorage). A 401 anywhere means "signed out": the shell shows the sign-in page.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

export interface Api {
  get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T>
  post<T>(path: string, body?: unknown): Promise<T>
  del<T>(path: string): Promise<T>
  token?: string
}

export function createApi(opts: { token?: string; onUnauthorized: () => void }): Api {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const headers: Record<string, string> = { accept: 'application/json' }
    if (opts.token) headers.authorization = `Bearer ${opts.token}`
    if (body !== undefined) headers['content-type'] = 'application/json'
    const res = await fetch(`/api/v1${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
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
