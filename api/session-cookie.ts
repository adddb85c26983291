// The session cookie (docs/api.md v1.1): HttpOnly so page scripts cannot read it, SameSite=Strict so
// other sites' pages do not send it, Path=/ for the console and the API alike, Secure over TLS.
export const SESSION_COOKIE = 'courtyard_session'

const SESSION_ID_RE = /^[A-Za-z0-9_-]{43}$/

/** The session id in a Cookie header, or undefined (also for anything not shaped like our ids). */
export function sessionIdFromCookie(header: string | undefined): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue
    const value = part.slice(eq + 1).trim()
    if (SESSION_ID_RE.test(value)) return value
  }
  return undefined
}

export function sessionCookie(value: string, opts: { maxAgeS: number; secure: boolean }): string {
  const attrs = [
    `${SESSION_COOKIE}=${value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${Math.max(0, Math.floor(opts.maxAgeS))}`,
  ]
  if (opts.secure) attrs.push('Secure')
  return attrs.join('; ')
}

/** Tells the browser to forget the cookie (signing out). */
export const clearedSessionCookie = (secure: boolean) => sessionCookie('', { maxAgeS: 0, secure })
