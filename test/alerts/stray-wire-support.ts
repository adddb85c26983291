// Minute-by-minute series built from the physics models, run through the detector.
import { expect } from 'vitest'
import { initialCircuitNormal, type LoadSignature } from '../../alerts/stray-wire-circuit-normal.ts'
import { detectStrayWire } from '../../alerts/stray-wire-detector.ts'
import {
  type Candidate,
  DEFAULT_STRAY_WIRE_PARAMS,
  initialStrayWireState,
  type StrayWireInput,
  type StrayWireParams,
  type StrayWireState,
  type StrayWireVerdict,
} from '../../alerts/stray-wire-types.ts'
import { replay } from '../../eval/stray-wire/evaluate.ts'
import { buildScenario } from '../../eval/stray-wire/families.ts'
import { DEV_RANGES } from '../../eval/stray-wire/scenario.ts'
import { type CompressorParams, compressorCycling } from '../../simulators/physics/appliances.ts'
import type { ChargerParams } from '../../simulators/physics/charger.ts'
import { type LoadModel, OFF } from '../../simulators/physics/load-model.ts'
import { circuitReading } from '../../simulators/physics/meter.ts'

export const MIN = 60_000

/** A local (UTC+8) wall-clock time as epoch ms. */
export const local = (isoWithoutZone: string): number => Date.parse(`${isoWithoutZone}+08:00`)

export const SUPPLY = { nominalV: 228, utcOffsetMin: 480, seed: 11 }
export const METER = { seed: 12, gainError: 0.004, noisePct: 0.003, noiseFloorW: 0.3 }

/** An active-PFC lithium charger (PF 0.97, THD 8 %) of `ccPowerW` in constant current. */
export const pfcCharger = (
  startMs: number,
  ccPowerW: number,
  over: Partial<ChargerParams> = {},
): ChargerParams =>
  charger(startMs, {
    chemistry: 'lithium',
    ccPowerW,
    ccRise: 0.02,
    pfc: true,
    powerFactor: 0.97,
    thdPct: 8,
    ...over,
  })

export function charger(startMs: number, over: Partial<ChargerParams> = {}): ChargerParams {
  return {
    startMs,
    chemistry: 'lead-acid',
    ccPowerW: 200,
    ccRise: 0.1,
    ccMin: 240,
    taperMin: 120,
    floatW: 10,
    totalMin: 480,
    powerFactor: 0.6,
    thdPct: 90,
    seed: 5,
    ...over,
  }
}

/** A signature the circuit has learned: a compressor seen ten times unless `over` says otherwise. */
export const learnedSignature = (over: Partial<LoadSignature>): LoadSignature => ({
  id: 'sig',
  kind: 'compressor',
  source: 'learned',
  levelW: 250,
  harmonicRatio: null,
  window: null,
  count: 10,
  firstTs: 0,
  lastTs: 0,
  ...over,
})

/** A fresh circuit's state that already knows these signatures (learned on earlier days, or taught). */
export const knowing = (...signatures: LoadSignature[]): StrayWireState => ({
  ...initialStrayWireState(),
  normal: { ...initialCircuitNormal(), signatures },
})

export interface Run {
  verdicts: StrayWireVerdict[]
  state: StrayWireState
}

/**
 * Feed inputs in order, from `from` (a fresh state unless given); `persist` round-trips the state through
 * JSON each step, as a restart would.
 */
export function run(
  inputs: Iterable<StrayWireInput>,
  params: StrayWireParams = DEFAULT_STRAY_WIRE_PARAMS,
  persist = false,
  from: StrayWireState = initialStrayWireState(),
): Run {
  let state = from
  const verdicts: StrayWireVerdict[] = []
  for (const input of inputs) {
    const r = detectStrayWire(state, input, params)
    state = persist ? (JSON.parse(JSON.stringify(r.state)) as StrayWireState) : r.state
    if (r.verdict) verdicts.push(r.verdict)
  }
  return { verdicts, state }
}

export interface SeriesOptions {
  fromMs: number
  minutes: number
  /** Minutes (from fromMs) with no reading. */
  gaps?: (minute: number) => boolean
  /** Report PF and THD (protocol v1 makes them optional). */
  waveform?: boolean
  /** Instants averaged over each minute (an energy meter): loads switching mid-minute show in part. */
  samples?: number
}

export function* circuitSeries(loads: readonly LoadModel[], o: SeriesOptions): Generator<StrayWireInput> {
  for (let m = 0; m < o.minutes; m++) {
    if (o.gaps?.(m)) continue
    const ts = o.fromMs + m * MIN
    const r = circuitReading(loads, ts, SUPPLY, METER, o.samples)
    yield o.waveform === false
      ? { source: 'circuit', ts, powerW: r.powerW }
      : {
          source: 'circuit',
          ts,
          powerW: r.powerW,
          powerFactor: r.powerFactor,
          currentThdPct: r.currentThdPct,
        }
  }
}

export const raises = (r: Run) => r.verdicts.filter((v) => v.kind === 'raise')

/** Asserts the run raised exactly once, within `minutes` of `fromTs` (the charger's onset); the raise. */
export function raisedOnceWithin(r: Run, fromTs: number, minutes: number): StrayWireVerdict {
  const raised = raises(r)
  expect(raised).toHaveLength(1)
  expect(raised[0]!.ts - fromTs).toBeLessThanOrEqual(minutes * MIN)
  return raised[0]!
}
export const clears = (r: Run) => r.verdicts.filter((v) => v.kind === 'clear')

/** A load on at `powerW` (PF, THD as given) during the listed [from, to) minutes after `t0`. */
export function spans(
  name: string,
  t0: number,
  powerW: number,
  powerFactor: number,
  thdPct: number,
  on: [number, number][],
): LoadModel {
  return {
    name,
    at(tMs) {
      const m = (tMs - t0) / MIN
      return on.some(([a, b]) => m >= a && m < b) ? { powerW, powerFactor, thdPct } : OFF
    },
  }
}

/**
 * An evening from `t0` (16:30) on a circuit with a dehumidifier (300 W, PF 0.78, THD 10 %) running all
 * along and a 1.14 kW heater cycling 17:56–18:19, 18:29–18:53 and 19:03–19:26 (minutes 86–176).
 */
export function heaterEvening(t0: number): LoadModel[] {
  return [
    spans('dehumidifier', t0, 300, 0.78, 10, [[0, 300]]),
    spans('electric-heater', t0, 1140, 1, 3, [
      [86, 109],
      [119, 143],
      [153, 176],
    ]),
  ]
}

/**
 * A basement dehumidifier (1–3 h on, 0.5–2 h off) or a fridge (12–45 min on, 20–60 off) cycling between
 * `fromMs` and `toMs`, each run creeping up a few % (domain.md "More of the real world"); `o` overrides.
 */
export function cyclingCompressor(
  name: 'dehumidifier' | 'fridge',
  fromMs: number,
  toMs: number,
  powerW: number,
  seed: number,
  o: Partial<CompressorParams> = {},
): LoadModel {
  const kind =
    name === 'dehumidifier'
      ? { powerFactor: 0.8, onMin: [60, 180], offMin: [30, 120], creep: 0.04, creepOverMin: 120 }
      : { powerFactor: 0.7, onMin: [12, 45], offMin: [20, 60], creep: 0.03, creepOverMin: 30 }
  return compressorCycling({
    name,
    fromMs,
    toMs,
    powerW,
    thdPct: 15,
    seed,
    ...kind,
    ...o,
  } as CompressorParams)
}

/** Top-up ranges that make every session a top-up, starting at `draw` × its CC level's end. */
export const everyTopUp = (draw: number) =>
  ({ share: 1, startDraw: [draw, draw], floatMin: [60, 60] }) as const

/** Corridor lights on all evening from `t0` (24 W, PF 0.93, THD 18 %). */
export const eveningLights = (t0: number): LoadModel => spans('lights', t0, 24, 0.93, 18, [[0, 24 * 60]])

/** A rectifier's candidate of one reading at `w` (100 VA of harmonic current), as a step just followed. */
export const rectifierCandidate = (w: number, over: Partial<Candidate> = {}): Candidate => ({
  onsetTs: 0,
  firstTs: 0,
  chargerReadings: 1,
  readings: 1,
  quietRun: 0,
  minW: w,
  maxW: w,
  harmonicVA: 100,
  motorReadings: 0,
  bigReadings: 0,
  hiddenReadings: 0,
  recentW: [w],
  ...over,
})

/** When the detector raised on a development scenario (3 days) between a local time and `minutes` after. */
export function scenarioRaisesBetween(
  family: string,
  seed: number,
  fromLocal: string,
  minutes: number,
): number[] {
  const sc = buildScenario(family, seed, 3, DEV_RANGES)
  const from = local(fromLocal)
  const until = from + minutes * MIN
  const raised: number[] = []
  for (const { t, result } of replay(sc, DEFAULT_STRAY_WIRE_PARAMS))
    if (t >= from && t < until && result.verdict?.kind === 'raise') raised.push(t)
  return raised
}
