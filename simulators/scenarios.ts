// Scenario planning (pure): which devices get which abnormal condition, and when, for a time window.
// The same (devices, scenarios, seed, window) always gives the same plan, so a run can be replayed and
// a detector can be scored against the plan as ground truth.
import { strayChargerParams } from './devices/circuit-monitor.ts'
import type { DeviceSpec, Injection, InjectionType } from './devices/types.ts'
import { MALFORMED_VARIANTS, type MalformedVariant } from './malformed.ts'
import { sampleChargerStartMinuteOfDay } from './physics/loads.ts'
import { chance, intBetween, pick, type Rng, rngFor, uniform } from './physics/random.ts'

export const SCENARIOS = ['stray-wire', 'offline', 'faults', 'malformed'] as const
export type ScenarioName = (typeof SCENARIOS)[number]

export interface OfflinePeriod {
  startMs: number
  endMs: number
}

export interface MalformedAt {
  atMs: number
  variant: MalformedVariant
}

export interface DevicePlan {
  injections: Injection[]
  offline: OfflinePeriod[]
  malformed: MalformedAt[]
}

export type ScenarioPlan = Map<string, DevicePlan>

const MIN = 60_000
const DAY_MS = 86_400_000

const PILE_FAULTS: InjectionType[] = ['port_overheat', 'smoke', 'leakage_rise']
const DISPLAY_FAULTS: InjectionType[] = [
  'display_black',
  'display_frozen',
  'display_overheat',
  'fan_failure',
  'module_failure',
  'door_open',
  'supply_sag',
]
const DAYCARE_FAULTS: InjectionType[] = ['emergency_call', 'fall_detected', 'co2_spike', 'door_after_hours']

/** Parses `stray-wire,offline` into scenario names; throws on an unknown one. */
export function parseScenarios(list: string): ScenarioName[] {
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  for (const n of names) {
    if (!(SCENARIOS as readonly string[]).includes(n)) {
      throw new RangeError(`unknown scenario "${n}" (expected ${SCENARIOS.join(', ')})`)
    }
  }
  return names as ScenarioName[]
}

/** How long each fault lasts, and the magnitude where one applies. */
function faultInjection(rng: Rng, type: InjectionType, startMs: number, spec: DeviceSpec): Injection {
  const minutes = (lo: number, hi: number) => startMs + Math.round(uniform(rng, lo, hi)) * MIN
  switch (type) {
    case 'port_overheat':
      return { type, startMs, endMs: minutes(30, 60), port: intBetween(rng, 1, spec.ports ?? 10) }
    case 'smoke':
      return { type, startMs, endMs: minutes(4, 12) }
    case 'leakage_rise':
      return { type, startMs, endMs: minutes(40, 120), value: Math.round(uniform(rng, 32, 45)) }
    case 'module_failure':
      return { type, startMs, endMs: minutes(120, 600), value: intBetween(rng, 1, 4) }
    case 'supply_sag':
      return { type, startMs, endMs: minutes(20, 60), value: Math.round(uniform(rng, 4.1, 4.4) * 100) / 100 }
    case 'door_open':
      return { type, startMs, endMs: minutes(3, 20) }
    case 'fall_detected':
      return { type, startMs, endMs: startMs + MIN, value: Math.round(uniform(rng, 0.72, 0.98) * 100) / 100 }
    case 'emergency_call':
    case 'door_after_hours':
      return { type, startMs, endMs: startMs + MIN }
    case 'co2_spike':
      return { type, startMs, endMs: minutes(60, 120) }
    default:
      return { type, startMs, endMs: minutes(10, 40) }
  }
}

/** Start times for something happening about `perDay` times a day (at least once if `atLeastOnce`). */
function occurrences(rng: Rng, w: Window, perDay: number, atLeastOnce: boolean): number[] {
  const span = w.toMs - w.fromMs
  const n = Math.max(atLeastOnce ? 1 : 0, Math.floor((span / DAY_MS) * perDay + rng()))
  const out: number[] = []
  for (let k = 0; k < n; k++) {
    // a live demo wants the first one soon: 5–100 % into its first `firstWithinMs`
    const at =
      k === 0 && w.firstWithinMs !== undefined ? uniform(rng, 0.05, 1) * w.firstWithinMs : rng() * span
    out.push(w.fromMs + Math.round(at))
  }
  return out.sort((a, b) => a - b)
}

interface Window {
  fromMs: number
  toMs: number
  firstWithinMs?: number
}

/** A stray-wire session start: in long windows mostly in the evening, like real charging. */
function strayStarts(rng: Rng, spec: DeviceSpec, w: Window, perDay: number): number[] {
  const { fromMs, toMs } = w
  if (w.firstWithinMs !== undefined || toMs - fromMs <= DAY_MS) return occurrences(rng, w, perDay, true)
  const offset = spec.utcOffsetMin ?? 480
  const starts: number[] = []
  for (let day = Math.floor((fromMs + offset * MIN) / DAY_MS); day * DAY_MS - offset * MIN < toMs; day++) {
    if (!chance(rng, perDay)) continue
    const t = day * DAY_MS - offset * MIN + sampleChargerStartMinuteOfDay(rng) * MIN
    if (t >= fromMs && t < toMs) starts.push(t)
  }
  return starts
}

export interface PlanOptions {
  /** share of eligible devices that get each scenario (default 0.25) */
  share?: number
  /**
   * Put each chosen device's first occurrence within this long of the start, so a live demo shows
   * alerts within minutes (default: 30 % of the window for windows up to a day, none beyond).
   */
  firstWithinMs?: number
}

/** Plans `scenarios` for `devices` over [fromMs, toMs). */
export function planScenarios(
  devices: readonly DeviceSpec[],
  scenarios: readonly ScenarioName[],
  seed: number,
  fromMs: number,
  toMs: number,
  opts: PlanOptions = {},
): ScenarioPlan {
  const share = opts.share ?? 0.25
  const span = toMs - fromMs
  const w: Window = {
    fromMs,
    toMs,
    firstWithinMs: opts.firstWithinMs ?? (span <= DAY_MS ? 0.3 * span : undefined),
  }
  const plan: ScenarioPlan = new Map()
  const want = new Set(scenarios)
  devices.forEach((spec, index) => {
    const rng = rngFor(seed, spec.id, 'scenario', fromMs)
    const p: DevicePlan = { injections: [], offline: [], malformed: [] }
    // the first device of each kind always gets the scenario, so a small fleet still shows it
    const firstOfKind = devices.findIndex((d) => d.kind === spec.kind) === index
    const chosen = () => firstOfKind || chance(rng, share)
    if (
      want.has('stray-wire') &&
      (spec.kind === 'circuit-monitor' || spec.kind === 'charging-pile') &&
      chosen()
    ) {
      const type: InjectionType = spec.kind === 'circuit-monitor' ? 'circuit_stray_wire' : 'shed_stray_wire'
      for (const startMs of strayStarts(rng, spec, w, 0.3)) {
        const c = strayChargerParams(seed, spec.id, startMs)
        p.injections.push({ type, startMs, endMs: startMs + Math.round(c.totalMin * MIN) })
      }
    }
    if (want.has('faults') && chosen()) {
      const types =
        spec.kind === 'charging-pile'
          ? PILE_FAULTS
          : spec.kind === 'outdoor-display'
            ? DISPLAY_FAULTS
            : spec.kind === 'daycare-sensor'
              ? DAYCARE_FAULTS
              : []
      if (types.length > 0) {
        for (const t of occurrences(rng, w, 0.2, true))
          p.injections.push(faultInjection(rng, pick(rng, types), t, spec))
      }
    }
    if (want.has('offline') && (firstOfKind || chance(rng, share / 2))) {
      for (const t of occurrences(rng, w, 0.5, true)) {
        // 3–10 missed reports, at least 2 min (so the Will is held long enough to alert), but never
        // more than a fifth of a short run
        const intervalMs = spec.reportIntervalS * 1000
        const wanted = Math.max(2 * MIN, intervalMs * intBetween(rng, 3, 10))
        const ms = Math.max(2 * intervalMs, Math.min(wanted, 0.2 * span))
        p.offline.push({ startMs: t, endMs: t + Math.round(ms) })
      }
    }
    if (want.has('malformed') && (firstOfKind || chance(rng, share / 3))) {
      for (const t of occurrences(rng, w, 2, true))
        p.malformed.push({ atMs: t, variant: pick(rng, MALFORMED_VARIANTS) })
    }
    if (p.injections.length + p.offline.length + p.malformed.length > 0) plan.set(spec.id, p)
  })
  return plan
}
