// Serves the built web console (console/dist, from `npm run console:build`) at `/`: hashed assets are
// cached for a year (their names change with their content), index.html is revalidated on every load,
// and the console's client routes answer index.html so a reload or a shared link opens the same page.
// Without a build, those paths answer a page that says how to make one.
//
// The console's pages carry a Content-Security-Policy: scripts, styles and connections (the API and
// socket.io) only from this origin, no plugins, no <base>, and no framing by any page (clickjacking: a
// page of another site showing the console under its own buttons). Every console response says
// nosniff, so an asset is never run as something other than its declared type.
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply } from 'fastify'

/** The console's client routes (console/src/router.ts): keep the two lists in step. */
export const CLIENT_ROUTES = [
  '/',
  '/alerts',
  '/alerts/:id',
  '/sites/:id',
  '/devices/:id',
  '/reports',
] as const

const IMMUTABLE = 'public, max-age=31536000, immutable'

/**
 * The console is one module script and one stylesheet from /assets/, talking to /api and /socket.io on
 * the same origin ('self' covers ws: and wss: of it); the not-built page has an inline style only.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')
const NOT_BUILT_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"

const pageHeaders = (reply: FastifyReply, csp: string) =>
  reply
    .header('content-security-policy', csp)
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin')

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Courtyard: console not built</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem">
<h1>The web console is not built yet</h1>
<p>Run <code>npm run console:build</code> in the project folder, then reload this page.</p>
<p>控制台尚未构建：请在项目目录运行 <code>npm run console:build</code>，然后刷新本页。</p>
<p>The API is up: <a href="/docs">/docs</a>, <a href="/healthz">/healthz</a>.</p>
</body></html>`

export async function consoleAssets(app: FastifyInstance, opts: { dir?: string }): Promise<void> {
  const dir = opts.dir === undefined ? undefined : resolve(opts.dir)
  const built = dir !== undefined && existsSync(join(dir, 'index.html'))
  const sendIndex = (reply: FastifyReply) => {
    if (!built)
      return pageHeaders(reply, NOT_BUILT_CSP)
        .status(503)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(NOT_BUILT)
    return pageHeaders(reply, CONSOLE_CSP).header('cache-control', 'no-cache').sendFile('index.html', dir)
  }
  if (built) {
    await app.register(fastifyStatic, {
      // only the hashed build output lives under assets/
      root: join(dir, 'assets'),
      prefix: '/assets/',
      index: false,
      cacheControl: false,
      setHeaders: (res) => {
        res.setHeader('cache-control', IMMUTABLE)
        res.setHeader('x-content-type-options', 'nosniff')
      },
    })
  }
  for (const url of CLIENT_ROUTES) {
    app.get(url, { schema: { hide: true } }, (_req, reply) => sendIndex(reply))
  }
}
