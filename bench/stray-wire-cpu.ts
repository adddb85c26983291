// CPU the stray-wire detector spends per circuit reading (it runs for every one in the alert engine),
// measured in process over evaluation scenarios with every field load: lights, LED banks, compressors,
// heaters, cleaners, chargers. Inputs are built first, so only the detector (and the stage in front of it,
// alerts/stray-wire-settle.ts) is timed.
import {
  DEFAULT_STRAY_WIRE_PARAMS,
  detectSettled,
  initialSettleState,
  initialStrayWireState,
  type StrayWireInput,
} from '../alerts/index.ts'
import { buildScenario, DAY, DEV_RANGES, MIN } from '../eval/index.ts'

export interface StrayWireCpu {
  readings: number
  /** user + system CPU per reading, µs */
  cpuUsPerReading: number
  /** the persisted state's size at the end, bytes of JSON (rule state is snapshotted with it) */
  stateBytes: number
}

export function measureStrayWireCpu(scenarios = 6, days = 3): StrayWireCpu {
  const series: StrayWireInput[][] = []
  for (let i = 1; i <= scenarios; i++) {
    const sc = buildScenario(i % 2 ? 'circuit-mixed-stray' : 'circuit-mixed-quiet', i, days, DEV_RANGES)
    const inputs: StrayWireInput[] = []
    for (let t = sc.startMs; t < sc.startMs + days * DAY; t += MIN) {
      const x = sc.inputAt(t)
      if (x) inputs.push(x)
    }
    series.push(inputs)
  }
  let readings = 0
  let stateBytes = 0
  const before = process.cpuUsage()
  for (const inputs of series) {
    let state = initialStrayWireState()
    // as the alert engine runs it: through the stage that drops an averaging meter's partial minutes
    let settle = initialSettleState()
    for (const reading of inputs) {
      const step = detectSettled(settle, state, reading, DEFAULT_STRAY_WIRE_PARAMS)
      settle = step.settle
      for (const r of step.results) state = r.state
    }
    readings += inputs.length
    stateBytes = Math.max(stateBytes, JSON.stringify(state).length)
  }
  const used = process.cpuUsage(before)
  return { readings, cpuUsPerReading: (used.user + used.system) / readings, stateBytes }
}

export const strayWireCpuLines = (r: StrayWireCpu): string[] => [
  `stray-wire detector: ${r.cpuUsPerReading.toFixed(1)} µs CPU per circuit reading over ${r.readings} ` +
    `readings of mixed field circuits; state ≤ ${r.stateBytes} bytes of JSON`,
]

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of strayWireCpuLines(measureStrayWireCpu())) console.log(line)
}
