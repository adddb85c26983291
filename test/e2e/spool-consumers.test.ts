// The spool's consumers in the real service: every consumer the service runs holds its place from the
// start (before ingest's first successful write), and a consumer it no longer runs (ALERTS_ENABLED=false
// after a run with alerts) stops holding segments: its checkpoint is removed, with a log line.
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { createServiceProcess } from '../support/service-process.ts'

describe('spool consumers of the service', () => {
  const cleanups: (() => Promise<void>)[] = []
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined)
  })

  it('gives each consumer it runs a checkpoint at start, and removes the alert engine checkpoint when alerts are switched off', async () => {
    const svc = await createServiceProcess({ influxUrl: inject('influxUrl') })
    cleanups.push(() => svc.kill('SIGKILL'))
    const spoolDir = join(svc.dataDir, 'spool')
    await svc.start()
    // a fresh install: nothing was written to InfluxDB yet, and still ingest has its place
    expect(
      readdirSync(spoolDir)
        .filter((n) => n.startsWith('checkpoint'))
        .sort(),
    ).toEqual(['checkpoint-alerts.json', 'checkpoint.json'])
    const ready = (await (await fetch(`${svc.httpUrl}/readyz`)).json()) as {
      checks: { spool: { consumers: { ok: boolean; lagBytes: Record<string, number> } } }
    }
    expect(ready.checks.spool.consumers.ok).toBe(true)
    expect(Object.keys(ready.checks.spool.consumers.lagBytes).sort()).toEqual(['alerts', 'ingest'])
    await svc.kill('SIGTERM')

    svc.env.ALERTS_ENABLED = 'false'
    await svc.start()
    expect(existsSync(join(spoolDir, 'checkpoint-alerts.json'))).toBe(false)
    expect(existsSync(join(spoolDir, 'checkpoint.json'))).toBe(true)
    expect(svc.printed('retired spool consumer checkpoint removed')).toBe(true)
    const metrics = await (await fetch(`${svc.httpUrl}/metrics`)).text()
    expect(metrics).toMatch(/courtyard_spool_consumer_lag_bytes\{consumer="ingest"\} \d+/)
    expect(metrics).not.toContain('consumer="alerts"')
  })
})
