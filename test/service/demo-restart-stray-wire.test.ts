// A second `npm run demo` on the same data: the first run's stray-wire alerts clear once the charger they
// stand for has left, as on a real circuit. The demo's estate and plans (service/demo-plan.ts, the days
// kept in a temp DATA_DIR), each device model run on its report interval from its backfilled history, and
// every message decoded and judged by the catalogue rules with the rule state carried from the first run
// to the second, as the alert engine keeps it in alerts.db.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { defaultResolveSettings, evaluateDevice } from '../../alerts/index.ts'
import type { DeviceRuleState, RuleDevice, RuleSignal } from '../../alerts/types.ts'
import { decodeMessage } from '../../domain/decode-message.ts'
import { topics } from '../../domain/topics.ts'
import { DEMO_BACKFILL_MS, DEMO_SEED, demoScenarioPlan } from '../../service/demo-plan.ts'
import { createDeviceModel } from '../../simulators/devices/create-device-model.ts'
import type { DeviceSpec } from '../../simulators/index.ts'
import { demoEstate, type ScenarioPlan } from '../../simulators/index.ts'
import { LOCAL_MIDNIGHT, MIN } from '../simulators/support.ts'

const STRAY = new Set(['circuit_stray_wire', 'shed_stray_wire'])
/** the detector clears after ten minutes without the load: a few readings more at most */
const CLEARED_WITHIN_MS = 15 * MIN

/** One run of a device from its backfilled history to `untilMs`: its stray-wire signals, the state after. */
function run(
  spec: DeviceSpec,
  plan: ScenarioPlan,
  state: DeviceRuleState,
  startMs: number,
  untilMs: number,
): { state: DeviceRuleState; signals: RuleSignal[] } {
  const model = createDeviceModel(spec, DEMO_SEED)
  for (const i of plan.get(spec.id)?.injections ?? []) model.inject(i)
  const device: RuleDevice = {
    id: spec.id,
    kind: spec.kind,
    siteId: spec.siteId,
    tenantId: 'demo',
    reportIntervalS: spec.reportIntervalS,
  }
  const settings = defaultResolveSettings(undefined, undefined)
  const signals: RuleSignal[] = []
  let s = state
  for (let t = startMs - DEMO_BACKFILL_MS; t < untilMs; t += spec.reportIntervalS * 1000) {
    for (const m of model.step(t)) {
      const topic = m.channel === 'telemetry' ? topics.telemetry(spec.id) : topics.events(spec.id)
      const decoded = decodeMessage(topic, JSON.stringify(m.body), device, t)
      if (!decoded.ok) continue
      const r = evaluateDevice(s, { device, msg: decoded.value, arrivalMs: t, settings })
      s = r.state
      signals.push(...r.signals.filter((x) => x.type === 'stray_wire_charging'))
    }
  }
  return { state: s, signals }
}

describe('a second demo run on the same data', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'courtyard-demo-restart-'))
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  it("clears the first run's stray-wire alerts once their chargers have left", async () => {
    const estate = demoEstate(DEMO_SEED)
    const devices = estate.devices.filter((d) => d.kind === 'circuit-monitor' || d.kind === 'charging-pile')
    // an evening: the first run for 20 minutes, Ctrl-C, and a second run a minute later
    const first = LOCAL_MIDNIGHT + 19 * 60 * MIN
    const firstEnd = first + 20 * MIN
    const second = firstEnd + MIN
    const plan1 = await demoScenarioPlan(dataDir, estate.devices, first)
    const plan2 = await demoScenarioPlan(dataDir, estate.devices, second)
    const late: string[] = []
    let carried = 0
    for (const spec of devices) {
      const one = run(spec, plan1, {}, first, firstEnd)
      const last = one.signals.at(-1)
      if (last?.action !== 'raise') continue
      // the charger the open alert stands for, and when it leaves in the second run's world: when its
      // session ends if that world has it, or at the restart if not
      const charger = (plan1.get(spec.id)?.injections ?? [])
        .filter((i) => STRAY.has(i.type) && i.startMs <= last.at)
        .at(-1)!
      const still = plan2
        .get(spec.id)
        ?.injections.find((i) => i.type === charger.type && i.startMs === charger.startMs)
      const leftMs = still ? still.endMs : firstEnd
      carried++
      const two = run(spec, plan2, one.state, second, leftMs + CLEARED_WITHIN_MS + MIN)
      const cleared = two.signals.find((x) => x.action === 'clear')
      if (!cleared || cleared.at > leftMs + CLEARED_WITHIN_MS)
        late.push(
          `${spec.id}: charger left ${(leftMs - first) / MIN} min in, alert ${cleared ? `cleared ${(cleared.at - first) / MIN} min in` : 'still open'}`,
        )
    }
    // the first run has alerts open when it stops, on circuits and in sheds
    expect(carried).toBeGreaterThan(2)
    expect(late).toEqual([])
  }, 60_000)

  it('carries a day on for 24 h, then begins a new one with its first faults within two minutes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'courtyard-demo-days-'))
    try {
      const devices = demoEstate(DEMO_SEED).devices
      const day = 86_400_000
      const first = LOCAL_MIDNIGHT + 19 * 60 * MIN
      const days = () => JSON.parse(readFileSync(join(dir, 'demo-days.json'), 'utf8')).days as number[]
      const firstMalformed = (plan: ScenarioPlan) =>
        Math.min(...[...plan.values()].flatMap((p) => p.malformed.map((m) => m.atMs)))
      const firstPlan = await demoScenarioPlan(dir, devices, first)
      expect(firstMalformed(firstPlan)).toBeLessThan(first + 2 * MIN)
      // the same day, hours later: nothing new, and what it sent before is not sent again
      const later = first + 5 * 60 * MIN
      expect(firstMalformed(await demoScenarioPlan(dir, devices, later))).toBeGreaterThanOrEqual(later)
      expect(days()).toEqual([first])
      // the next evening: a new day, its first faults within two minutes; the day before stays beside it
      // only while one of its sessions (a charger's, a fault's) reaches the backfilled history
      const ends = [...firstPlan.values()].flatMap((p) => p.injections.map((i) => i.endMs))
      const reaches = (at: number) => ends.some((end) => end > at - DEMO_BACKFILL_MS)
      const next = first + day + 60 * MIN
      expect(firstMalformed(await demoScenarioPlan(dir, devices, next))).toBeLessThan(next + 2 * MIN)
      expect(days()).toEqual(reaches(next) ? [first, next] : [next])
      // a clock set back before the kept day: that day is not carried on
      await demoScenarioPlan(dir, devices, first)
      expect(days()).toEqual([first])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
