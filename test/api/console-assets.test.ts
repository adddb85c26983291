// The console's assets as the service serves them: hashed files cached for a year, index.html
// revalidated, client routes answered with index.html, other paths left to the API's 404, and a clear
// page when the console was never built.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify from 'fastify'
import { afterAll, describe, expect, it } from 'vitest'
import { consoleAssets } from '../../api/console-assets.ts'

async function appFor(dir: string | undefined) {
  const app = Fastify()
  await consoleAssets(app, { dir })
  await app.ready()
  return app
}

describe('console assets', () => {
  const dist = mkdtempSync(join(tmpdir(), 'courtyard-console-dist-'))
  mkdirSync(join(dist, 'assets'))
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>console</title>')
  writeFileSync(join(dist, 'assets', 'index-AbC123.js'), 'console.log(1)')
  const apps: Awaited<ReturnType<typeof appFor>>[] = []
  afterAll(async () => {
    for (const a of apps) await a.close()
    rmSync(dist, { recursive: true, force: true })
  })

  it('serves hashed assets as immutable and index.html for every client route with no-cache', async () => {
    const app = await appFor(dist)
    apps.push(app)
    const js = await app.inject({ url: '/assets/index-AbC123.js' })
    expect(js.statusCode).toBe(200)
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(js.headers['content-type']).toMatch(/javascript/)
    for (const url of ['/', '/alerts', '/alerts/a-1', '/sites/shed-1?kiosk=1', '/devices/pile-1']) {
      const res = await app.inject({ url })
      expect(res.statusCode, url).toBe(200)
      expect(res.headers['cache-control'], url).toBe('no-cache')
      expect(res.body, url).toContain('<title>console</title>')
    }
  })

  it('leaves unknown paths, missing assets and files outside assets/ to the 404 handler', async () => {
    const app = await appFor(dist)
    apps.push(app)
    for (const url of ['/nope', '/assets/missing.js', '/index.html', '/assets/../index.html', '/api/v1/x']) {
      expect((await app.inject({ url })).statusCode, url).toBe(404)
    }
  })

  it('answers a page saying how to build the console when console/dist is missing', async () => {
    const app = await appFor(join(dist, 'not-there'))
    apps.push(app)
    const res = await app.inject({ url: '/alerts' })
    expect(res.statusCode).toBe(503)
    expect(res.headers['content-type']).toMatch(/text\/html/)
    expect(res.body).toContain('npm run console:build')
  })
})
