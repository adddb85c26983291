// The promise tested here: "Active alerts and rule state (hold timers, detector windows) survive a restart: after a restart
// nothing is raised twice and nothing open is forgotten." The real service, SIGKILLed again and again while
// charging piles stream hours of event time into it and the alert engine works through them; afterwards
// the alerts are exactly those the catalogue asks for — each once, with the event times that decided it.
import { afterAll, describe, expect, inject, it } from 'vitest'
import type { Alert, AlertTransition } from '../../domain/alerts.ts'
import { expectedAlerts, isQuiet, PERIOD, type PileScript, pileScript } from '../support/pile-script.ts'
import { type ScriptedDevice, startScriptedDevices } from '../support/scripted-devices.ts'
import { api, createServiceProcess, pollUntil, type ServiceProcess } from '../support/service-process.ts'

const PILES = 4
const PERIOD_READINGS = PERIOD.busy + PERIOD.quiet
/** per pile: 8 periods (busy, then quiet: pile-script.ts), about 4.5 h of event time */
const READINGS = 8 * PERIOD_READINGS
/**
 * SIGKILL once every pile has had this reading acknowledged: mostly a little into a quiet stretch (clear
 * timers running that the last snapshot does not have), once in the middle of a busy one.
 */
const KILL_AT = [1, 2, 3, 5, 6].map((period) =>
  period === 2 ? period * PERIOD_READINGS + 60 : period * PERIOD_READINGS + PERIOD.busy + 14,
)

const keyOf = (a: { deviceId: string; type: string; port?: number; code?: string; raisedAt: number }) =>
  `${a.deviceId} ${a.type} port ${a.port}${a.code ? ` ${a.code}` : ''} raised @${a.raisedAt}`

/** Every alert of a site, all states, newest first, page by page. */
async function allAlerts(svc: ServiceProcess, siteId: string): Promise<Alert[]> {
  const out: Alert[] = []
  let cursor: string | undefined
  do {
    const page = await api<{ items: Alert[]; next?: string }>(
      svc,
      'GET',
      `/api/v1/alerts?state=all&siteId=${siteId}&limit=200${cursor ? `&cursor=${cursor}` : ''}`,
    )
    out.push(...page.items)
    cursor = page.next
  } while (cursor)
  return out
}

async function mapLimited<T, R>(xs: T[], n: number, f: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(xs.length)
  let next = 0
  const worker = async () => {
    while (next < xs.length) {
      const i = next++
      out[i] = await f(xs[i]!)
    }
  }
  await Promise.all(Array.from({ length: n }, worker))
  return out
}

describe('alert engine across SIGKILLs of the service', () => {
  const cleanups: (() => Promise<void>)[] = []
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined)
  })

  // several restarts of the real service and its worker thread: on a loaded 2-core machine, over a minute
  it('raises every port alert of a long script exactly once, with the event times that decided it, however often the service is killed mid-stream', async () => {
    const svc = await createServiceProcess({ influxUrl: inject('influxUrl'), db: 'alerts_crash' })
    cleanups.push(() => svc.kill('SIGKILL'))
    await svc.start()
    const site = await api<{ id: string }>(svc, 'POST', '/api/v1/sites', {
      name: 'Shed K',
      community: 'Crash Gardens',
      kind: 'charging-shed',
    })
    // event time starts two days ago: old enough to be history, young enough to be accepted
    const t0 = Math.floor((Date.now() - 2 * 86_400_000) / 60_000) * 60_000
    const scripts: PileScript[] = []
    const devices: (ScriptedDevice & { messages: PileScript['messages'] })[] = []
    for (let i = 0; i < PILES; i++) {
      const d = await api<{ id: string; secret: string }>(svc, 'POST', '/api/v1/devices', {
        id: `crash-pile-${i}`,
        kind: 'charging-pile',
        siteId: site.id,
        // an hour: the wall-clock offline rule stays out of this test (it would hold port alerts back)
        reportIntervalS: 3600,
      })
      const script = pileScript(d.id, 7100 + i, t0, READINGS)
      scripts.push(script)
      devices.push({ id: d.id, secret: d.secret, messages: script.messages })
    }
    const expected = scripts.flatMap(expectedAlerts)
    // the script covers what it should: every kind of outcome, many times
    const overheat = expected.filter((a) => a.type === 'port_overheat')
    expect(
      overheat.filter((a) => a.severity === 'major' && a.clearedAt !== undefined).length,
    ).toBeGreaterThan(20)
    expect(overheat.filter((a) => a.steps.some((s) => s.kind === 'severity_changed')).length).toBeGreaterThan(
      10,
    )
    expect(overheat.filter((a) => a.steps[0]!.severity === 'critical').length).toBeGreaterThan(10)
    expect(expected.filter((a) => a.type === 'port_fault' && a.count > 1).length).toBeGreaterThan(10)
    expect(expected.filter((a) => a.clearedAt === undefined).length).toBeGreaterThan(PILES)
    // and no alert changes in a quiet stretch
    const quietTs = new Set(
      scripts.flatMap((s) =>
        s.readingAt.filter((_, r) => isQuiet(r)).map((m) => `${s.deviceId} ${s.messages[m]!.body.ts}`),
      ),
    )
    const quietSteps = expected.flatMap((a) => a.steps.filter((st) => quietTs.has(`${a.deviceId} ${st.at}`)))
    expect(quietSteps).toEqual([])

    // in step (the piles' scripts have their events in the same slots), so a kill lands in the same
    // stretch of every pile's script
    const fleet = await startScriptedDevices({ url: svc.mqttUrl, devices, window: 10, lockstep: 10 })
    cleanups.push(() => fleet.close())
    /** messages unacknowledged at a kill: QoS 1 may deliver those twice (the spool may hold them already) */
    let unackedAtKill = 0
    const noteUnacked = () => {
      for (const [, idx] of fleet.unacked()) unackedAtKill += idx.length
    }
    fleet.run()
    for (const reading of KILL_AT) {
      await pollUntil(() => scripts.every((s) => fleet.ackedOf(s.deviceId) > s.readingAt[reading]!), {
        intervalMs: 2,
        what: `reading ${reading} of every pile acknowledged`,
      })
      noteUnacked()
      await svc.kill('SIGKILL')
      noteUnacked()
      await svc.start()
    }
    await pollUntil(() => fleet.done(), { what: `all ${fleet.total} messages acknowledged` })
    expect(fleet.errors).toEqual([])
    // the kills did catch messages in flight, so the exact counts below mean redeliveries were not counted
    expect(unackedAtKill).toBeGreaterThan(0)

    // Everything is spooled. One last port_fault per pile goes in after it, so once those alerts show,
    // the engine has evaluated every record before them.
    await Promise.all(scripts.map((s) => fleet.send(s.deviceId, s.fence.topic, s.fence.body)))
    await pollUntil(
      async () => {
        const open = await api<{ items: Alert[] }>(
          svc,
          'GET',
          `/api/v1/alerts?siteId=${site.id}&type=port_fault&limit=1000`,
        )
        return scripts.every((s) =>
          open.items.some((a) => a.deviceId === s.deviceId && a.raisedAt === s.fence.body.ts),
        )
      },
      { timeoutMs: 20_000, what: 'the fence alerts of every pile' },
    )

    const got = await allAlerts(svc, site.id)
    const gotKey = (a: Alert) =>
      keyOf({ ...a, ...(a.type === 'port_fault' ? { code: String(a.lastValue) } : {}) })
    // nothing raised twice
    const seen = new Map<string, number>()
    for (const a of got) seen.set(gotKey(a), (seen.get(gotKey(a)) ?? 0) + 1)
    expect([...seen].filter(([, n]) => n > 1).map(([k]) => k)).toEqual([])
    // exactly the expected alerts, in their final state
    const summary = (a: { key: string; state: string; severity: string; clearedAt?: number }) =>
      `${a.key}: ${a.severity}, ${a.state}${a.clearedAt === undefined ? '' : ` @${a.clearedAt}`}`
    const want = expected.map((e) =>
      summary({
        key: keyOf(e),
        state: e.clearedAt === undefined ? 'active' : 'cleared',
        severity: e.severity,
        clearedAt: e.clearedAt,
      }),
    )
    const have = got.map((a) => summary({ ...a, key: gotKey(a) }))
    expect(have.sort()).toEqual(want.sort())

    // each alert's history: one `raised`, every step once, at the event time that decided it
    const byKey = new Map(got.map((a) => [gotKey(a), a]))
    const details = await mapLimited(expected, 16, async (e) => {
      const a = byKey.get(keyOf(e))!
      const d = await api<Alert & { history: AlertTransition[]; commands: { name: string }[] }>(
        svc,
        'GET',
        `/api/v1/alerts/${a.id}`,
      )
      return { e, d }
    })
    const countProblems: string[] = []
    const commandProblems: string[] = []
    for (const { e, d } of details) {
      const steps = d.history
        .filter((h) => h.kind !== 'command' && h.kind !== 'notified')
        .map((h) => ({ kind: h.kind, at: h.at, ...(h.kind === 'cleared' ? {} : { severity: h.severity }) }))
      expect(steps, keyOf(e)).toEqual(e.steps)
      expect(
        d.history.filter((h) => h.kind === 'raised'),
        keyOf(e),
      ).toHaveLength(1)
      // a redelivered port_fault (spooled, killed before its PUBACK) is the same event: counted once
      if (d.count !== e.count) countProblems.push(`${keyOf(e)}: count ${d.count}, expected ${e.count}`)
      // the automatic stop_port: never from these two-day-old readings (a protective command goes out
      // only from a recent one), but a critical overheat says so on its alert, once (a kill between the
      // alert's commit and the dispatch may lose that step: the engine does not decide it again)
      const stops = d.commands.filter((c) => c.name === 'stop_port').length
      const commandSteps = d.history.filter((h) => h.kind === 'command')
      const notSent = commandSteps.filter((h) => h.note?.startsWith('stop_port not sent: ')).length
      const critical = e.type === 'port_overheat' && e.severity === 'critical'
      if (stops > 0 || notSent > (critical ? 1 : 0) || commandSteps.length > notSent)
        commandProblems.push(`${keyOf(e)}: ${stops} stop_port, ${commandSteps.length} command steps`)
    }
    expect(countProblems).toEqual([])
    expect(commandProblems).toEqual([])
    expectNoEngineErrors(await (await fetch(`${svc.httpUrl}/metrics`)).text())
  }, 240_000)
})

function expectNoEngineErrors(metrics: string) {
  const errors = metrics
    .split('\n')
    .filter((l) => l.startsWith('courtyard_alert_engine_errors_total{') && !l.endsWith(' 0'))
  expect(errors).toEqual([])
}
