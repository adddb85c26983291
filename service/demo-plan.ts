// The demo's simulated days: which scenarios (stray-wire charging, faults, outages, malformed messages) its
// estate lives through, and when. A run begins a day of planned scenarios, its first faults within two
// minutes; the day is kept in DATA_DIR beside the estate (demo-days.json), so a second `npm run demo` on the
// same data carries on that day: a charger plugged in during the first run is still plugged in (history
// and live readings alike) and leaves when its session ends, as on a real circuit.
//
// A run that rolled a day of its own instead restarted the simulated estate from scratch under the alerts
// the service kept: the first run's chargers vanished, and the new day's first stray-wire sessions came,
// within two minutes, to the sheds and circuits where the first run's were (the first device of each kind
// always gets one). Less than the detector's ten minutes without the load apart, the new charger carried
// the first run's alert on as its own (watts alone cannot tell two chargers apart), and every quick restart
// did it again: the first run's alert never cleared.
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type DeviceSpec, planScenarios, SCENARIOS, type ScenarioPlan } from '../simulators/index.ts'

export const DEMO_SEED = 2026
/** the history a run backfills before it goes live */
export const DEMO_BACKFILL_MS = 3 * 3600_000
export const DAY_MS = 86_400_000
/** a day's first fault of each kind comes within this long of its start */
const FIRST_WITHIN_MS = 120_000
const DAYS_FILE = 'demo-days.json'

/** The starts of the days kept in `dataDir` (none when there is no file, or not one of ours). */
async function savedDays(file: string): Promise<number[]> {
  try {
    const { days } = JSON.parse(await readFile(file, 'utf8')) as { days?: unknown }
    return Array.isArray(days) ? days.filter((d): d is number => Number.isSafeInteger(d)) : []
  } catch {
    return []
  }
}

const planDay = (devices: readonly DeviceSpec[], day: number): ScenarioPlan =>
  planScenarios(devices, SCENARIOS, DEMO_SEED, day, day + DAY_MS, { firstWithinMs: FIRST_WITHIN_MS })

/**
 * The scenario plan of a run starting at `now`: the days kept in `dataDir` that are not over or whose
 * sessions (a charger's, a fault's) reach into the run's backfilled history, and a new day beginning now once
 * the last is over (a first run's only day). What a day planned before `now` is acted out again only where
 * it is physical (a load's session); its malformed messages were sent by the run they fell in.
 */
export async function demoScenarioPlan(
  dataDir: string,
  devices: readonly DeviceSpec[],
  now: number,
): Promise<ScenarioPlan> {
  const file = join(dataDir, DAYS_FILE)
  const from = now - DEMO_BACKFILL_MS
  const reaches = (plan: ScenarioPlan) =>
    [...plan.values()].some((p) => p.injections.some((i) => i.endMs > from))
  // a day that starts after now is not ours to carry on (the clock went back): forgotten
  const kept = (await savedDays(file))
    .filter((d) => d <= now)
    .map((day) => ({ day, plan: planDay(devices, day) }))
    .filter((d) => d.day + DAY_MS > now || reaches(d.plan))
  const last = kept[kept.length - 1]
  const days =
    last !== undefined && last.day + DAY_MS > now
      ? kept
      : [...kept, { day: now, plan: planDay(devices, now) }]
  await writeFile(file, `${JSON.stringify({ days: days.map((d) => d.day) })}\n`, { mode: 0o600 })
  const plan: ScenarioPlan = new Map()
  for (const { plan: planned } of days) {
    for (const [id, p] of planned) {
      const into = plan.get(id) ?? { injections: [], offline: [], malformed: [] }
      into.injections.push(...p.injections)
      into.offline.push(...p.offline)
      into.malformed.push(...p.malformed.filter((m) => m.atMs >= now))
      plan.set(id, into)
    }
  }
  return plan
}
