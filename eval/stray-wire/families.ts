// Scenario families: corridor circuits and charging sheds, with and without stray-wire charging.
import type { ChargerParams, LoadModel } from '../../simulators/index.ts'
import {
  chance,
  chargingShed,
  circuitReading,
  intBetween,
  ledLighting,
  type PortSession,
  pick,
  pileElectronics,
  type Rng,
  randomChargerParams,
  rngFor,
  sampleChargerStartMinuteOfDay,
  supplyVoltageV,
  uniform,
} from '../../simulators/index.ts'
import { compressors, duskLedBanks, loadsRunningAtStart } from './field-loads.ts'
import { EVAL_EPOCH_MS, type EvalRanges, isGap, MIN, type Scenario, samplesFor } from './scenario.ts'
import { cleaningRounds, gapModel, heaterEpisodes, ownCharger, strayChargers } from './schedules.ts'

const DAY = 1440 * MIN
const UTC8 = 480

interface CircuitMix {
  stray: number
  cleaning: boolean
  heater: boolean
  /** false: a basic breaker meter without PF/THD (both optional in protocol v1). */
  waveform: boolean
  /** Share of stray chargers with active PFC. */
  pfc?: number
  /** Low-PF LED banks switched at dusk. */
  ledBanks?: boolean
  /** A cycling dehumidifier, sometimes a fridge. */
  compressor?: boolean
  /** Every stray session begins while a heater or cleaner runs. */
  underLoad?: boolean
  /** One resident's own charger, its sessions often unplugged in CC (schedules.ts `ownCharger`). */
  ownCharger?: boolean
}

interface ShedMix {
  stray: number
  cleaning: boolean
  heater: boolean
  /** Probability a port is used on a given day. */
  busy: readonly [number, number]
}

export const CIRCUIT_FAMILIES: Record<string, CircuitMix> = {
  'circuit-lights': { stray: 0, cleaning: false, heater: false, waveform: true },
  'circuit-cleaning': { stray: 0, cleaning: true, heater: false, waveform: true },
  'circuit-heater': { stray: 0, cleaning: true, heater: true, waveform: true },
  'circuit-basic-meter': { stray: 0, cleaning: true, heater: true, waveform: false },
  'circuit-stray': { stray: 0.85, cleaning: true, heater: false, waveform: true },
  'circuit-stray-heater': { stray: 0.85, cleaning: true, heater: true, waveform: true },
  'circuit-stray-basic': { stray: 0.85, cleaning: true, heater: true, waveform: false },
  // domain.md "More of the real world"
  'circuit-led-banks': { stray: 0, cleaning: true, heater: true, waveform: true, ledBanks: true },
  'circuit-compressor': { stray: 0, cleaning: true, heater: false, waveform: true, compressor: true },
  'circuit-pfc-stray': { stray: 0.85, cleaning: true, heater: false, waveform: true, pfc: 1 },
  'circuit-led-stray': { stray: 0.85, cleaning: false, heater: true, waveform: true, ledBanks: true },
  'circuit-compressor-stray': {
    stray: 0.85,
    cleaning: false,
    heater: false,
    waveform: true,
    compressor: true,
  },
  'circuit-under-load': { stray: 0.85, cleaning: false, heater: false, waveform: true, underLoad: true },
  'circuit-mixed-quiet': {
    stray: 0,
    cleaning: true,
    heater: true,
    waveform: true,
    ledBanks: true,
    compressor: true,
  },
  'circuit-mixed-stray': {
    stray: 0.85,
    cleaning: true,
    heater: true,
    waveform: true,
    pfc: 0.3,
    ledBanks: true,
    compressor: true,
    underLoad: true,
  },
  'circuit-mixed-basic': {
    stray: 0.85,
    cleaning: true,
    heater: true,
    waveform: false,
    pfc: 0.3,
    ledBanks: true,
    compressor: true,
  },
  // a charger unplugged before its taper, then back at its own level on later days
  'circuit-unplugged-early': {
    stray: 0.85,
    cleaning: true,
    heater: true,
    waveform: true,
    pfc: 0.3,
    ledBanks: true,
    compressor: true,
    ownCharger: true,
  },
  'circuit-unplugged-early-basic': {
    stray: 0.85,
    cleaning: true,
    heater: true,
    waveform: false,
    pfc: 0.3,
    ledBanks: true,
    compressor: true,
    ownCharger: true,
  },
}

export const SHED_FAMILIES: Record<string, ShedMix> = {
  'shed-busy': { stray: 0, cleaning: false, heater: false, busy: [0.6, 0.98] },
  'shed-cleaning-heater': { stray: 0, cleaning: true, heater: true, busy: [0.3, 0.9] },
  'shed-stray': { stray: 0.85, cleaning: false, heater: false, busy: [0.3, 0.98] },
}

export const FAMILIES = [...Object.keys(CIRCUIT_FAMILIES), ...Object.keys(SHED_FAMILIES)]

/** Families by what the detector gets to see: watts with PF/THD, watts only, or a shed residual. */
const isField = (m: CircuitMix): boolean =>
  !!(m.pfc || m.ledBanks || m.compressor || m.underLoad || m.ownCharger)

export const FAMILY_GROUPS: Record<string, string[]> = {
  'circuits, PF+THD': Object.keys(CIRCUIT_FAMILIES).filter(
    (f) => CIRCUIT_FAMILIES[f]!.waveform && !isField(CIRCUIT_FAMILIES[f]!),
  ),
  'field loads, PF+THD': Object.keys(CIRCUIT_FAMILIES).filter(
    (f) => CIRCUIT_FAMILIES[f]!.waveform && isField(CIRCUIT_FAMILIES[f]!),
  ),
  'circuits, watts only': Object.keys(CIRCUIT_FAMILIES).filter((f) => !CIRCUIT_FAMILIES[f]!.waveform),
  sheds: Object.keys(SHED_FAMILIES),
}

function lighting(rng: Rng, ranges: EvalRanges): LoadModel {
  const mode = pick(rng, ['dusk-to-dawn', 'motion', 'always'] as const)
  return ledLighting({
    powerW: uniform(rng, ...ranges.lightsW),
    powerFactor: uniform(rng, 0.9, 0.98),
    // PF > 0.9 bounds the distortion factor, so THD stays under ~45 %
    thdPct: uniform(rng, 8, 40),
    utcOffsetMin: UTC8,
    mode,
    onMinuteOfDay: Math.floor(uniform(rng, 17 * 60, 18.5 * 60)),
    offMinuteOfDay: Math.floor(uniform(rng, 5.5 * 60, 7 * 60)),
    triggersPerHour: uniform(rng, 1, 15),
    burstMin: intBetween(rng, 1, 4),
    seed: Math.floor(rng() * 2 ** 32),
  })
}

export function circuitScenario(family: string, seed: number, days: number, ranges: EvalRanges): Scenario {
  const mix = CIRCUIT_FAMILIES[family]
  if (!mix) throw new RangeError(`unknown circuit family ${family}`)
  const rng = rngFor('circuit', family, seed)
  const startMs = EVAL_EPOCH_MS + intBetween(rng, 0, 30) * DAY
  const stray = mix.ownCharger
    ? ownCharger(rng, startMs, days, mix.stray, ranges, mix.pfc)
    : strayChargers(rng, startMs, days, mix.stray, ranges.charger, ranges.eveningShare, mix.pfc)
  const loads: LoadModel[] = [lighting(rng, ranges), ...stray.loads]
  if (chance(rng, 0.3)) loads.push(lighting(rng, ranges))
  if (mix.cleaning) loads.push(...cleaningRounds(rng, startMs, days, ranges))
  if (mix.heater) loads.push(...heaterEpisodes(rng, startMs, days, ranges))
  // drawn after the older families' loads, so those keep their scenarios
  if (mix.ledBanks) loads.push(duskLedBanks(rng, ranges))
  if (mix.compressor) loads.push(...compressors(rng, startMs, days, ranges))
  if (mix.underLoad) loads.push(...loadsRunningAtStart(rng, stray.labels, ranges))
  const supply = { nominalV: uniform(rng, 220, 235), utcOffsetMin: UTC8, seed: Math.floor(rng() * 2 ** 32) }
  const meter = {
    seed: Math.floor(rng() * 2 ** 32),
    gainError: uniform(rng, -0.01, 0.01),
    noisePct: 0.003,
    noiseFloorW: 0.3,
  }
  const gaps = gapModel(rng, startMs, days, ranges)
  const samples = samplesFor(ranges, seed)
  return {
    id: `${family}#${seed}`,
    family,
    startMs,
    days,
    sessions: stray.labels,
    waveform: mix.waveform,
    loads,
    inputAt(tMs) {
      if (isGap(gaps, tMs)) return null
      const r = circuitReading(loads, tMs, supply, meter, samples)
      if (!mix.waveform) return { source: 'circuit', ts: tMs, powerW: r.powerW }
      return {
        source: 'circuit',
        ts: tMs,
        powerW: r.powerW,
        powerFactor: r.powerFactor,
        currentThdPct: r.currentThdPct,
      }
    },
  }
}

function portSessions(rng: Rng, startMs: number, days: number, busy: number, ranges: EvalRanges) {
  const sessions: PortSession[] = []
  let freeFrom = startMs - 2 * DAY
  for (let d = -1; d < days; d++) {
    if (!chance(rng, busy)) continue
    const minute = sampleChargerStartMinuteOfDay(rng, ranges.eveningShare)
    const start = startMs + d * DAY + minute * MIN + Math.floor(uniform(rng, 0, 59)) * 1000
    const charger: ChargerParams = randomChargerParams(
      rng,
      // the port is still taken: the resident comes back later
      Math.max(start, freeFrom),
      ranges.charger,
    )
    sessions.push({ charger, autoStopW: uniform(rng, 15, 35) })
    freeFrom = charger.startMs + charger.totalMin * MIN + uniform(rng, 5, 120) * MIN
  }
  return sessions
}

export function shedScenario(family: string, seed: number, days: number, ranges: EvalRanges): Scenario {
  const mix = SHED_FAMILIES[family]
  if (!mix) throw new RangeError(`unknown shed family ${family}`)
  const rng = rngFor('shed', family, seed)
  const startMs = EVAL_EPOCH_MS + intBetween(rng, 0, 30) * DAY
  const busy = uniform(rng, ...mix.busy)
  const nPorts = pick(rng, [10, 12])
  const ports = Array.from({ length: nPorts }, () => ({
    sessions: portSessions(rng, startMs, days, busy, ranges),
    meter: {
      seed: Math.floor(rng() * 2 ** 32),
      gainError: uniform(rng, -ranges.portMeterError, ranges.portMeterError),
      noisePct: ranges.portNoisePct,
      noiseFloorW: 0.2,
    },
  }))
  const stray = strayChargers(rng, startMs, days, mix.stray, ranges.charger, ranges.eveningShare)
  const baseW = uniform(rng, 8, 30)
  const unmetered: LoadModel[] = [
    pileElectronics({
      baseW,
      lightingW: uniform(rng, 0, 56 - baseW),
      utcOffsetMin: UTC8,
      lightsOnMinuteOfDay: Math.floor(uniform(rng, 17 * 60, 18.5 * 60)),
      lightsOffMinuteOfDay: Math.floor(uniform(rng, 5.5 * 60, 7 * 60)),
      seed: Math.floor(rng() * 2 ** 32),
    }),
    ...stray.loads,
  ]
  if (mix.cleaning) unmetered.push(...cleaningRounds(rng, startMs, days, ranges))
  if (mix.heater) unmetered.push(...heaterEpisodes(rng, startMs, days, ranges))
  const supply = { nominalV: uniform(rng, 220, 235), utcOffsetMin: UTC8, seed: Math.floor(rng() * 2 ** 32) }
  const shed = chargingShed({
    ports,
    unmetered,
    feederMeter: {
      seed: Math.floor(rng() * 2 ** 32),
      gainError: uniform(rng, -0.01, 0.01),
      noisePct: 0.003,
      noiseFloorW: 0.5,
    },
    feederSkewMs: Math.floor(uniform(rng, -20_000, 20_000)),
    voltageV: (tMs) => supplyVoltageV(tMs, supply),
    samplesPerInterval: samplesFor(ranges, seed),
  })
  const gaps = gapModel(rng, startMs, days, ranges)
  return {
    id: `${family}#${seed}`,
    family,
    startMs,
    days,
    sessions: stray.labels,
    waveform: false,
    inputAt(tMs) {
      if (isGap(gaps, tMs)) return null
      const r = shed.at(tMs)
      let portsPowerW = 0
      for (const p of r.ports) portsPowerW += p.powerW
      return { source: 'shed', ts: tMs, feederPowerW: r.feeder.powerW, portsPowerW }
    },
  }
}

export function buildScenario(family: string, seed: number, days: number, ranges: EvalRanges): Scenario {
  return family in CIRCUIT_FAMILIES
    ? circuitScenario(family, seed, days, ranges)
    : shedScenario(family, seed, days, ranges)
}
