// Provisions a simulated estate through the HTTP API (docs/api.md): POST sites, then devices,
// keeping the secret each device is issued. Re-running is fine: an existing site is kept, an existing
// device gets a new secret through rotate-secret (the old one is shown only once and is lost).
import { CourtyardError } from '../domain/errors.ts'
import type { DeviceSpec } from './devices/types.ts'
import type { Estate } from './estate.ts'

export interface ProvisionOptions {
  /** needed with an admin token (sites belong to a tenant); created when missing */
  tenantId?: string
  tenantName?: string
  /** parallel requests (default 8) */
  concurrency?: number
  fetch?: typeof fetch
}

interface ApiAnswer {
  status: number
  body: Record<string, unknown>
}

/** Provisions every site and device; resolves with the devices, each carrying its secret. */
/** 429 answers one request waits out (each for its Retry-After, at most 30 s) before giving up */
const MAX_RATE_LIMITED_RETRIES = 20

export async function provisionEstate(
  apiUrl: string,
  token: string,
  estate: Estate,
  opts: ProvisionOptions = {},
): Promise<DeviceSpec[]> {
  const doFetch = opts.fetch ?? fetch
  const base = apiUrl.replace(/\/+$/, '')
  // the API rate-limits each token (API_RATE_PER_S, API_BURST): a large estate waits as told and goes on
  async function call(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    for (let attempt = 1; ; attempt++) {
      const a = await callOnce(method, path, body)
      if (a.status !== 429 || attempt >= MAX_RATE_LIMITED_RETRIES) return a
      await new Promise((r) => setTimeout(r, Math.min(a.retryAfterS ?? 1, 30) * 1000))
    }
  }
  async function callOnce(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<ApiAnswer & { retryAfterS?: number }> {
    let res: Response
    try {
      res = await doFetch(`${base}/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      })
    } catch (cause) {
      throw new CourtyardError('BAD_REQUEST', `cannot reach the API at ${base}`, { cause })
    }
    const text = await res.text()
    let parsed: Record<string, unknown> = {}
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {}
    } catch {
      parsed = { message: text.slice(0, 200) }
    }
    const retryAfter = Number(res.headers.get('retry-after'))
    return {
      status: res.status,
      body: parsed,
      ...(Number.isFinite(retryAfter) && retryAfter > 0 && { retryAfterS: retryAfter }),
    }
  }
  const fail = (what: string, a: ApiAnswer): never => {
    const code = a.status === 401 ? 'UNAUTHORIZED' : a.status === 403 ? 'FORBIDDEN' : 'BAD_REQUEST'
    throw new CourtyardError(
      code,
      `${what}: HTTP ${a.status} ${String(a.body['error'] ?? '')} ${String(a.body['message'] ?? '')}`.trim(),
    )
  }

  if (opts.tenantId) {
    const a = await call('POST', '/tenants', { id: opts.tenantId, name: opts.tenantName ?? opts.tenantId })
    // 409: it exists already; 403: a tenant token, which cannot create tenants and does not need to
    if (a.status >= 300 && a.status !== 409 && a.status !== 403) fail(`creating tenant ${opts.tenantId}`, a)
  }
  await inBatches(estate.sites, opts.concurrency ?? 8, async (site) => {
    const a = await call('POST', '/sites', { ...site, ...(opts.tenantId ? { tenantId: opts.tenantId } : {}) })
    if (a.status >= 300 && a.status !== 409) fail(`creating site ${site.id}`, a)
  })
  return inBatches(estate.devices, opts.concurrency ?? 8, async (d) => {
    const body = {
      id: d.id,
      kind: d.kind,
      siteId: d.siteId,
      reportIntervalS: d.reportIntervalS,
      ...(d.name ? { name: d.name } : {}),
    }
    let a = await call('POST', '/devices', body)
    if (a.status === 409) a = await call('POST', `/devices/${encodeURIComponent(d.id)}/rotate-secret`)
    if (a.status >= 300 || typeof a.body['secret'] !== 'string') fail(`provisioning device ${d.id}`, a)
    return { ...d, secret: a.body['secret'] as string }
  })
}

async function inBatches<T, R>(
  items: readonly T[],
  width: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker))
  return out
}
