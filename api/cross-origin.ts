// CSRF defence for cookie-authenticated requests that change something (and for signing in). The
// SameSite=Strict cookie already keeps other sites' pages from sending it; this also refuses requests a
// browser marks as coming from another origin (a sibling port or subdomain is the same *site* for
// SameSite, not the same origin): the Origin header must name this server or an allowed origin, and
// without an Origin, Sec-Fetch-Site must not say cross-site/same-site. Clients that send neither header
// are not browsers, so there is no ambient cookie to abuse.
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS'])

export interface RequestOrigin {
  origin?: string
  host?: string
  secFetchSite?: string
}

/** Why the request looks cross-origin, or undefined when it may proceed. */
export function crossOriginRefusal(
  r: RequestOrigin,
  allowedOrigins: readonly string[] = [],
): string | undefined {
  if (r.origin !== undefined) {
    if (allowedOrigins.includes(r.origin)) return undefined
    let host: string | undefined
    try {
      host = r.origin === 'null' ? undefined : new URL(r.origin).host
    } catch {
      host = undefined
    }
    if (host !== undefined && r.host !== undefined && host === r.host.toLowerCase()) return undefined
    return `requests signed in by cookie must come from this server's own pages (Origin ${r.origin.slice(0, 100)})`
  }
  if (r.secFetchSite === 'cross-site' || r.secFetchSite === 'same-site')
    return "requests signed in by cookie must come from this server's own pages"
  return undefined
}

export const requestOrigin = (headers: Record<string, string | string[] | undefined>): RequestOrigin => {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)
  return {
    origin: one(headers.origin),
    host: one(headers.host),
    secFetchSite: one(headers['sec-fetch-site']),
  }
}
