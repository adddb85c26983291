// CPU the stray-wire detector spends per circuit reading (it runs for every one in the alert engine),
// measured in process over evaluation scenarios with every field load: lights, LED banks, compressors,
// heaters, cleaners, chargers. Inputs are built first, so only the detector (and the stage in front of it,
// alerts/stray-wire-settle.ts) is timed.
//   node --import tsx bench/stray-wire-cpu.ts [--crew]
// `--crew`: watts-only mixed circuits instead, each with what the evaluation's crews taught on it (the
// signatures of its false alerts, `npm run eval:stray-wire -- --crew`), handed to the detector from the
// first reading as the engine hands a device's settings; what crews taught weighs only without PF and THD.
import { parseArgs } from 'node:util'
import {
  DEFAULT_STRAY_WIRE_PARAMS,
  detectSettled,
  initialSettleState,
  initialStrayWireState,
  type StrayWireInput,
  type StrayWireParams,
} from '../alerts/index.ts'
import { parseOrUsage } from '../domain/command-line.ts'
import {
  buildScenario,
  DAY,
  DEFAULT_CREW,
  DEV_RANGES,
  MIN,
  runScenario,
  type Scenario,
} from '../eval/index.ts'

export interface StrayWireCpu {
  readings: number
  /** user + system CPU per reading, µs */
  cpuUsPerReading: number
  /** the persisted state's size at the end, bytes of JSON (rule state is snapshotted with it) */
  stateBytes: number
}

export function measureStrayWireCpu(scenarios = 6, days = 3, crew = false): StrayWireCpu {
  const series: { inputs: StrayWireInput[]; params: StrayWireParams }[] = []
  for (let i = 1; i <= scenarios; i++) {
    const family = crew ? 'circuit-mixed-basic' : i % 2 ? 'circuit-mixed-stray' : 'circuit-mixed-quiet'
    const sc = buildScenario(family, i, days, DEV_RANGES)
    const inputs: StrayWireInput[] = []
    for (let t = sc.startMs; t < sc.startMs + days * DAY; t += MIN) {
      const x = sc.inputAt(t)
      if (x) inputs.push(x)
    }
    series.push({ inputs, params: crew ? taughtByCrews(sc) : DEFAULT_STRAY_WIRE_PARAMS })
  }
  let readings = 0
  let stateBytes = 0
  const before = process.cpuUsage()
  for (const { inputs, params } of series) {
    let state = initialStrayWireState()
    // as the alert engine runs it: through the stage that drops an averaging meter's partial minutes
    let settle = initialSettleState()
    for (const reading of inputs) {
      const step = detectSettled(settle, state, reading, params)
      settle = step.settle
      for (const r of step.results) state = r.state
    }
    readings += inputs.length
    stateBytes = Math.max(stateBytes, JSON.stringify(state).length)
  }
  const used = process.cpuUsage(before)
  return { readings, cpuUsPerReading: (used.user + used.system) / readings, stateBytes }
}

/** The parameters with what the evaluation's crews taught on this scenario (untimed: a run of its own). */
function taughtByCrews(sc: Scenario): StrayWireParams {
  const { taught } = runScenario(sc, DEFAULT_STRAY_WIRE_PARAMS, undefined, DEFAULT_CREW)
  return { ...DEFAULT_STRAY_WIRE_PARAMS, feedback: { taught, forget: [] } }
}

export const strayWireCpuLines = (r: StrayWireCpu, crew = false): string[] => [
  `stray-wire detector: ${r.cpuUsPerReading.toFixed(1)} µs CPU per circuit reading over ${r.readings} ` +
    `readings of ${crew ? "watts-only mixed field circuits with crews' taught signatures" : 'mixed field circuits'}; ` +
    `state ≤ ${r.stateBytes} bytes of JSON`,
]

const USAGE = `usage: node --import tsx bench/stray-wire-cpu.ts [--crew]
  --crew   watts-only mixed circuits, each with the signatures the evaluation's crews taught on it`

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseOrUsage(
    () =>
      parseArgs({
        options: { crew: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
      }),
    USAGE,
  )
  for (const line of strayWireCpuLines(measureStrayWireCpu(6, 3, values.crew), values.crew)) console.log(line)
}
