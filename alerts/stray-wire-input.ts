// From protocol v1 telemetry to the detector's input: the parts of a reading that say how much load is
// unexplained. Anything else a device sends is irrelevant here.
import type { ChargingPileTelemetry, CircuitMonitorTelemetry } from '../domain/protocol.ts'
import type { CircuitInput, ShedInput } from './stray-wire-types.ts'

/** Undefined for a reading without `powerW` (a device may omit it): it says nothing about the load. */
export function circuitInput(t: CircuitMonitorTelemetry): CircuitInput | undefined {
  if (t.powerW === undefined) return undefined
  const input: CircuitInput = { source: 'circuit', ts: t.ts, powerW: t.powerW }
  // both optional in protocol v1: without them the detector falls back to watts alone
  if (t.powerFactor !== undefined) input.powerFactor = t.powerFactor
  if (t.currentThdPct !== undefined) input.currentThdPct = t.currentThdPct
  return input
}

/**
 * The feeder meters every port and every shed socket; the ports meter only themselves. Undefined when
 * the feeder's power or any port's power is missing: a partial sum would look like unmetered load.
 */
export function shedInput(t: ChargingPileTelemetry): ShedInput | undefined {
  const feederPowerW = t.feeder?.powerW
  if (feederPowerW === undefined || t.ports === undefined) return undefined
  let portsPowerW = 0
  // whatever a port meters is accounted for, whatever its state says: a port that lags in switching to
  // 'full' still draws through its own meter
  for (const p of t.ports) {
    if (p.powerW === undefined) return undefined
    portsPowerW += Math.max(0, p.powerW)
  }
  return { source: 'shed', ts: t.ts, feederPowerW, portsPowerW }
}
