// A second `npm run demo` on the same data: the first run's stray-wire alerts clear once the charger they
// stand for has left, as on a real circuit. The demo's estate and plans (service/demo-plan.ts, the days
// kept in a temp DATA_DIR), each device model run on its report interval from its backfilled history, and
// every message decoded and judged by the catalogue rules with the rule state carried from the first run
// to the second, as the alert engine keeps it in alerts.db.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { DEMO_BACKFILL_MS, DEMO_SEED, demoScenarioPlan } from '../../service/demo-plan.ts'
import { demoEstate, type ScenarioPlan } from '../../simulators/index.ts'
import { LOCAL_MIDNIGHT, MIN, strayWireSignals } from '../simulators/support.ts'

const STRAY = new Set(['circuit_stray_wire', 'shed_stray_wire'])
/** the detector clears after ten minutes without the load: a few readings more at most */
const CLEARED_WITHIN_MS = 15 * MIN

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
      const one = strayWireSignals(spec, plan1, DEMO_SEED, first - DEMO_BACKFILL_MS, firstEnd)
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
      const two = strayWireSignals(
        spec,
        plan2,
        DEMO_SEED,
        second - DEMO_BACKFILL_MS,
        leftMs + CLEARED_WITHIN_MS + MIN,
        one.state,
      )
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
