// What `npm run demo` tells a newcomer at the terminal and what README's first requests give them: where
// the console, the API, the broker and its data are while it runs (one admin token on a first run, with no
// ADMIN_TOKEN set), the README's example requests answered by the running demo, a terminal that keeps that
// in view (no routine lines; after the first simulated malformed messages' warnings, the address and
// sign-in again), and, once Ctrl-C has stopped it, where its data stayed. The real service with the demo
// (`scripts/start.mjs --demo`) as a child process.
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

/** Every API token a run printed, in the order printed. */
const tokensIn = (text: string): string[] => [...text.matchAll(/\bcy_[A-Za-z0-9_-]{20,}/g)].map((m) => m[0])

describe('the demo at the terminal', () => {
  let svc: ServiceProcess
  /** the admin token the banner printed (the run's only one) */
  let token: string
  beforeAll(async () => {
    // as a newcomer runs it: no ADMIN_TOKEN
    svc = await createServiceProcess({
      influxUrl: inject('influxUrl'),
      args: ['--demo'],
      extraEnv: { ADMIN_TOKEN: '' },
    })
    await svc.start()
    await pollUntil(() => svc.printed('Ctrl-C stops everything.'), { what: 'the demo banner' })
    token = /admin API token \(API and \/docs\): (\S+)/.exec(svc.output())?.[1] ?? ''
  })
  afterAll(() => svc?.kill('SIGKILL'))

  /** The ids of the every-tenant tokens named `demo`, as the admin lists them. */
  const demoTokenIds = async (admin = token): Promise<string[]> => {
    const res = await fetch(`${svc.httpUrl}/api/v1/tokens?limit=1000`, {
      headers: { authorization: `Bearer ${admin}` },
    })
    const body = (await res.json()) as { items: { id: string; name: string; tenantId: string | null }[] }
    return body.items.filter((t) => t.name === 'demo' && t.tenantId === null).map((t) => t.id)
  }
  let firstRunTokens: string[] = []
  let operatorToken: { id: string; token: string } | undefined

  it('prints one admin token on a first run, the one in its banner', async () => {
    expect(token).toMatch(/^cy_/)
    expect(svc.printed('shown once')).toBe(false)
    expect([...new Set(tokensIn(svc.output()))]).toEqual([token])
    expect(
      svc.printed(`  API:      curl -H 'Authorization: Bearer ${token}' ${svc.httpUrl}/api/v1/devices`),
    ).toBe(true)
  })

  it("answers README's example requests with the demo's devices and a pile's history", async () => {
    const paths = readmeExamplePaths()
    expect(paths.length, 'example requests found in README').toBe(2)
    for (const path of paths) {
      // the fleet backfills its first hours of history over the first seconds
      const body = await pollUntil(
        async () => {
          const res = await fetch(`${svc.httpUrl}${path}`, {
            headers: { authorization: `Bearer ${token}` },
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

  it('keeps routine lines off the terminal, and after the first malformed messages prints the address and sign-in again', async () => {
    // the first round of simulated faults comes within two minutes of the start; its reminder 5 s after the
    // burst's last malformed message once the service set it aside, or at most 60 s later (service/demo.ts
    // REMINDER_CAP_MS: a message the broker refused, or a warning suppressed as a repeat): up to 185 s from
    // the demo's start
    const reminder = `Courtyard demo still running (the service's "payload rejected" warnings are the demo's own malformed messages`
    await pollUntil(() => svc.printed(reminder), {
      what: 'the reminder',
      timeoutMs: 200_000,
      intervalMs: 500,
    })
    const out = svc.output()
    const at = out.indexOf(reminder)
    // after the service's warnings about them: printed at some time, and none of those in the kept tail
    // of the output comes after it (on a busy machine the info lines between may push the warnings out of
    // that tail, which keeps 20,000 characters: then they came before it too)
    // the service's logger writes asynchronously: on a busy machine its warning may reach the terminal
    // a moment after the demo's reminder
    await pollUntil(() => svc.printed('"msg":"payload rejected"'), {
      what: 'the service\'s "payload rejected" warning',
      timeoutMs: 10_000,
      intervalMs: 100,
    })
    const warned = out.indexOf('"msg":"payload rejected"')
    if (warned >= 0) expect(warned).toBeLessThan(at)
    const lines = out.slice(at).split('\n')
    expect(lines[1]?.startsWith(`  console:  ${svc.httpUrl}/  sign in: `)).toBe(true)
    expect(lines[1]).toMatch(/sign in: manager \/ \S+, crew \/ \S+$/)
    expect(lines[2]).toBe(`  admin API token: ${token}`)
    // two minutes of fleet counts every 15 s and of simulated devices going offline, none on the terminal
    expect(svc.printed('"msg":"demo fleet"')).toBe(false)
    expect(svc.printed('device going offline')).toBe(false)
  }, 230_000)

  it('names what runs and where its data is, and after Ctrl-C where the data stayed', async () => {
    firstRunTokens = await demoTokenIds()
    expect(firstRunTokens).toHaveLength(1)
    // an operator's own every-tenant token that happens to share the demo's token name
    const made = await fetch(`${svc.httpUrl}/api/v1/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'demo', role: 'admin', tenantId: null }),
    })
    expect(made.status).toBe(201)
    operatorToken = (await made.json()) as { id: string; token: string }
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
    const bannerToken = () =>
      [...svc.output().matchAll(/admin API token \(API and \/docs\): (\S+)/g)].at(-1)?.[1] ?? token
    const second = await pollUntil(() => bannerToken() !== token && bannerToken(), {
      what: "the second run's banner",
    })
    const now = await pollUntil(
      async () => {
        const ids = (await demoTokenIds(second)).filter((id) => id !== operatorToken?.id)
        return ids.length === 1 && !firstRunTokens.includes(ids[0] as string) && ids
      },
      { what: "this run's demo token, the earlier one revoked" },
    )
    expect(now).toHaveLength(1)
    const res = await fetch(`${svc.httpUrl}/api/v1/devices`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(res.status).toBe(401)
    // the demo revokes the token its earlier run printed, by its id: not every token of that name
    const operators = await fetch(`${svc.httpUrl}/api/v1/devices`, {
      headers: { authorization: `Bearer ${operatorToken?.token}` },
    })
    expect(operators.status).toBe(200)
  })
})
