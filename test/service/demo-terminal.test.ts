// What `npm run demo` tells a newcomer at the terminal and what README's first requests give them: where
// the console, the API, the broker and its data are while it runs, the README's example requests answered
// by the running demo, and, once Ctrl-C has stopped it, where its data stayed. The real service with the
// demo (`scripts/start.mjs --demo`) as a child process.
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createServiceProcess, pollUntil, type ServiceProcess } from '../support/service-process.ts'

const README = readFileSync(join(resolve(import.meta.dirname, '../..'), 'README.md'), 'utf8')

/** The API paths of README's first example block (the one after "Within a minute"). */
function readmeExamplePaths(): string[] {
  const block = /Within a minute[^\n]*\n\n```sh\n([\s\S]*?)```/.exec(README)?.[1] ?? ''
  return [...block.matchAll(/http:\/\/127\.0\.0\.1:8080(\/api\/v1\/[^\s"']+)/g)].map((m) => m[1] as string)
}

describe('the demo at the terminal', () => {
  let svc: ServiceProcess
  beforeAll(async () => {
    svc = await createServiceProcess({ influxUrl: inject('influxUrl'), args: ['--demo'] })
    await svc.start()
    await pollUntil(() => svc.printed('Ctrl-C stops everything.'), { what: 'the demo banner' })
  })
  afterAll(() => svc?.kill('SIGKILL'))

  /** The ids of the every-tenant tokens named `demo`, as the admin lists them. */
  const demoTokenIds = async (): Promise<string[]> => {
    const res = await fetch(`${svc.httpUrl}/api/v1/tokens?limit=1000`, {
      headers: { authorization: `Bearer ${svc.adminToken}` },
    })
    const body = (await res.json()) as { items: { id: string; name: string; tenantId: string | null }[] }
    return body.items.filter((t) => t.name === 'demo' && t.tenantId === null).map((t) => t.id)
  }
  let firstRunTokens: string[] = []

  it("answers README's example requests with the demo's devices and a pile's history", async () => {
    const paths = readmeExamplePaths()
    expect(paths.length, 'example requests found in README').toBe(2)
    for (const path of paths) {
      // the fleet backfills its first hours of history over the first seconds
      const body = await pollUntil(
        async () => {
          const res = await fetch(`${svc.httpUrl}${path}`, {
            headers: { authorization: `Bearer ${svc.adminToken}` },
          })
          expect(res.status, path).toBe(200)
          const b = (await res.json()) as { items?: unknown[]; points?: unknown[] }
          return (b.items ?? b.points ?? []).length > 0 && b
        },
        { what: `a non-empty answer to ${path}` },
      )
      expect(body).toBeTruthy()
    }
  })

  it('names what runs and where its data is, and after Ctrl-C where the data stayed', async () => {
    firstRunTokens = await demoTokenIds()
    expect(firstRunTokens).toHaveLength(1)
    expect(svc.printed(`  console:  ${svc.httpUrl}/`)).toBe(true)
    expect(svc.printed(`  MQTT:     ${svc.mqttUrl} (the simulated devices publish here)`)).toBe(true)
    expect(svc.printed(`  data:     ${svc.dataDir} (kept between runs)`)).toBe(true)
    // as a terminal's Ctrl-C reaches the service
    await svc.kill('SIGINT')
    expect(svc.output()).toContain('"msg":"stopped"')
    expect(svc.output()).toContain(
      `Courtyard demo stopped. Its data stays in ${svc.dataDir}: the next \`npm run demo\` carries on with the same estate and history; delete that folder to start afresh.`,
    )
  })

  it('revokes the admin token its earlier run printed when it starts again on the same data', async () => {
    await svc.start()
    const now = await pollUntil(
      async () => {
        const ids = await demoTokenIds()
        return ids.length === 1 && !firstRunTokens.includes(ids[0] as string) && ids
      },
      { what: "this run's demo token, the earlier one revoked" },
    )
    expect(now).toHaveLength(1)
  })
})
