// Serves the built web console (console/dist, from `npm run console:build`) at `/`: hashed assets are
// cached for a year (their names change with their content), index.html is revalidated on every load,
// and the console's client routes answer index.html so a reload or a shared link opens the same page.
// Without a build, those paths answer a page that says how to make one.
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
      return reply
        .status(503)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(NOT_BUILT)
    return reply.header('cache-control', 'no-cache').sendFile('index.html', dir)
  }
  if (built) {
    await app.register(fastifyStatic, {
      // only the hashed build output lives under assets/
      root: join(dir, 'assets'),
      prefix: '/assets/',
      index: false,
      cacheControl: false,
      setHeaders: (res) => res.setHeader('cache-control', IMMUTABLE),
    })
  }
  for (const url of CLIENT_ROUTES) {
    app.get(url, { schema: { hide: true } }, (_req, reply) => sendIndex(reply))
  }
}
