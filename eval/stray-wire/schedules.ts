// Day-by-day schedules shared by circuit and shed scenarios: stray chargers, cleaners, heaters, gaps.

import type { LoadModel } from '../../simulators/index.ts'
import {
  type ChargerRanges,
  chance,
  chargerLoadEndMs,
  chargerSession,
  cleaningMachine,
  electricHeater,
  intBetween,
  type Rng,
  randomChargerParams,
  sampleChargerStartMinuteOfDay,
  uniform,
} from '../../simulators/index.ts'
import { type EvalRanges, type GapModel, MIN, type SessionLabel } from './scenario.ts'

const DAY = 1440 * MIN

export interface StraySchedule {
  loads: LoadModel[]
  labels: SessionLabel[]
}

/** About one stray session per night with probability perNight; never two at once on one circuit. */
export function strayChargers(
  rng: Rng,
  startMs: number,
  days: number,
  perNight: number,
  ranges: ChargerRanges,
  eveningShare: number,
  /** Share of chargers with active PFC; 0 draws nothing, so older families keep their sequences. */
  pfcShare = 0,
): StraySchedule {
  const loads: LoadModel[] = []
  const labels: SessionLabel[] = []
  let freeFrom = startMs
  for (let d = 0; d < days; d++) {
    if (!chance(rng, perNight)) continue
    const minute = sampleChargerStartMinuteOfDay(rng, eveningShare)
    // an evening start after midnight belongs to the same night
    const dayOffset = minute < 6 * 60 && chance(rng, 0.5) ? DAY : 0
    const start = startMs + d * DAY + dayOffset + minute * MIN + Math.floor(uniform(rng, 0, 59)) * 1000
    // the detector clears 10 min after the load goes; the next bike comes later than that
    if (start < freeFrom || start > startMs + days * DAY - 45 * MIN) continue
    const pfc = pfcShare > 0 && chance(rng, pfcShare)
    const params = randomChargerParams(rng, start, ranges, pfc)
    loads.push(chargerSession(params))
    const endTs = chargerLoadEndMs(params)
    labels.push({ startTs: start, endTs })
    freeFrom = params.startMs + params.totalMin * MIN + 30 * MIN
  }
  return { loads, labels }
}

/** Cleaning rounds: mostly daytime, sometimes an evening round, 1–3 a day. */
export function cleaningRounds(rng: Rng, startMs: number, days: number, ranges: EvalRanges): LoadModel[] {
  const loads: LoadModel[] = []
  for (let d = 0; d < days; d++) {
    if (!chance(rng, 0.8)) continue
    const n = intBetween(rng, 1, 3)
    for (let i = 0; i < n; i++) {
      const evening = chance(rng, 0.2)
      const hour = evening ? uniform(rng, 18, 22) : uniform(rng, 7, 17)
      loads.push(
        cleaningMachine({
          startMs: startMs + d * DAY + Math.floor(hour * 60) * MIN + Math.floor(uniform(rng, 0, 59)) * 1000,
          durationMin: uniform(rng, ...ranges.cleaningMin),
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

/** A guard's or cleaner's heater: long episodes, thermostat cycling. */
export function heaterEpisodes(rng: Rng, startMs: number, days: number, ranges: EvalRanges): LoadModel[] {
  const loads: LoadModel[] = []
  for (let d = 0; d < days; d++) {
    const n = intBetween(rng, 0, 2)
    for (let i = 0; i < n; i++) {
      const onMin = uniform(rng, 3, 20)
      loads.push(
        electricHeater({
          startMs: startMs + d * DAY + Math.floor(uniform(rng, 0, 1440)) * MIN,
          durationMin: uniform(rng, 60, 600),
          powerW: uniform(rng, ...ranges.heaterW),
          onMin,
          offMin: uniform(rng, 3, 25),
          phaseMin: uniform(rng, 0, onMin),
          seed: Math.floor(rng() * 2 ** 32),
        }),
      )
    }
  }
  return loads
}

export function gapModel(rng: Rng, startMs: number, days: number, ranges: EvalRanges): GapModel {
  const outages: GapModel['outages'] = []
  for (let d = 0; d < days; d++) {
    const n = intBetween(rng, 0, ranges.maxOutagesPerDay)
    for (let i = 0; i < n; i++) {
      const from = startMs + d * DAY + Math.floor(uniform(rng, 0, 1440)) * MIN
      outages.push({ fromMs: from, toMs: from + Math.floor(uniform(rng, 3, ranges.maxOutageMin)) * MIN })
    }
  }
  return { dropRate: uniform(rng, 0, ranges.maxDropRate), outages, seed: Math.floor(rng() * 2 ** 32) }
}
