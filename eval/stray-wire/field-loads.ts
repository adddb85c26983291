// Schedules of the loads domain.md lists under "More of the real world": low-PF LED banks switched at
// dusk, cycling compressors, and a heater or cleaner already running when a stray session begins.

import type { LoadModel } from '../../simulators/index.ts'
import {
  chance,
  cleaningMachine,
  compressorCycling,
  electricHeater,
  type LedBank,
  ledBanks,
  pick,
  type Rng,
  uniform,
} from '../../simulators/index.ts'
import { DAY, type EvalRanges, MIN, type SessionLabel } from './scenario.ts'

const UTC8 = 480

/** Two or three banks of cheap LED fittings switching on within a minute or two at dusk, off at dawn. */
export function duskLedBanks(rng: Rng, ranges: EvalRanges): LoadModel {
  const n = chance(rng, 0.75) ? 2 : 3
  const spreadS = uniform(rng, ...ranges.ledBankSpreadS)
  const banks: LedBank[] = Array.from({ length: n }, (_, i) => ({
    powerW: uniform(rng, ...ranges.ledBankW),
    powerFactor: uniform(rng, ...ranges.ledBankPowerFactor),
    thdPct: uniform(rng, ...ranges.ledBankThdPct),
    delayS: i === 0 ? 0 : i === n - 1 ? spreadS : uniform(rng, 0, spreadS),
  }))
  // a photocell wanders with the weather; a timer does not (and may switch off at midnight)
  const photocell = chance(rng, 0.7)
  return ledBanks({
    banks,
    utcOffsetMin: UTC8,
    onMinuteOfDay: Math.floor(uniform(rng, ...ranges.duskMinuteOfDay)),
    offMinuteOfDay: photocell ? Math.floor(uniform(rng, 6 * 60, 7 * 60)) : pick(rng, [0, 23 * 60, 6 * 60]),
    jitterMin: photocell ? uniform(rng, 3, 15) : 0,
    seed: Math.floor(rng() * 2 ** 32),
  })
}

/** A basement dehumidifier (1–3 h on, 0.5–2 h off) and, on some circuits, a fridge. */
export function compressors(rng: Rng, startMs: number, days: number, ranges: EvalRanges): LoadModel[] {
  const fromMs = startMs - DAY
  const toMs = startMs + (days + 1) * DAY
  const loads: LoadModel[] = [
    compressorCycling({
      name: 'dehumidifier',
      fromMs,
      toMs,
      powerW: uniform(rng, ...ranges.dehumidifierW),
      powerFactor: uniform(rng, 0.75, 0.85),
      thdPct: uniform(rng, 10, 25),
      onMin: [60, 180],
      offMin: [30, 120],
      creep: uniform(rng, 0.02, 0.06),
      creepOverMin: uniform(rng, 40, 120),
      seed: Math.floor(rng() * 2 ** 32),
    }),
  ]
  if (chance(rng, 0.5)) {
    loads.push(
      compressorCycling({
        name: 'fridge',
        fromMs,
        toMs,
        powerW: uniform(rng, ...ranges.fridgeW),
        powerFactor: uniform(rng, 0.6, 0.8),
        thdPct: uniform(rng, 8, 20),
        onMin: [12, 45],
        offMin: [20, 60],
        creep: uniform(rng, 0.02, 0.05),
        creepOverMin: uniform(rng, 10, 30),
        seed: Math.floor(rng() * 2 ** 32),
      }),
    )
  }
  return loads
}

/**
 * A heater (thermostat cycling) or a cleaner already running when each stray session begins: the
 * charger's step happens under a larger load.
 */
export function loadsRunningAtStart(
  rng: Rng,
  labels: readonly SessionLabel[],
  ranges: EvalRanges,
): LoadModel[] {
  const loads: LoadModel[] = []
  for (const l of labels) {
    if (chance(rng, 0.7)) {
      const onMin = uniform(rng, 5, 25)
      loads.push(
        electricHeater({
          startMs: l.startTs - Math.floor(uniform(rng, 5, 60)) * MIN,
          durationMin: uniform(rng, 90, 300),
          powerW: uniform(rng, ...ranges.heaterW),
          onMin,
          offMin: uniform(rng, 3, 20),
          // the element is on when the charger plugs in often enough to matter: any phase
          phaseMin: uniform(rng, 0, onMin),
          seed: Math.floor(rng() * 2 ** 32),
        }),
      )
    } else {
      const durationMin = uniform(rng, ...ranges.cleaningMin)
      loads.push(
        cleaningMachine({
          startMs: l.startTs - Math.floor(uniform(rng, 1, Math.max(2, durationMin - 3))) * MIN,
          durationMin,
          powerW: uniform(rng, ...ranges.cleaningW),
          powerFactor: uniform(rng, 0.8, 0.95),
          thdPct: uniform(rng, 15, 45),
          seed: Math.floor(rng() * 2 ** 32),
        }),
      )
    }
  }
  return loads
}
