// Circuit-monitor telemetry as a device would send it (protocol.md, `circuit-monitor`), built by string
// concatenation: the generator must spend its CPU on MQTT, not on JSON.stringify.

/** A valid v1 circuit-monitor reading; values wander a little with `seq` so points are not identical. */
export function circuitPayload(ts: number, seq: number): string {
  const w = seq % 50
  // one decimal, like real meters; all values stay finite and inside the schema's bounds
  const voltageV = (228 + w / 50).toFixed(1)
  const currentA = (1 + w / 100).toFixed(2)
  const powerW = (190 + w).toFixed(1)
  return (
    '{"ts":' +
    ts +
    ',"seq":' +
    seq +
    ',"kind":"circuit-monitor","circuit":"B3-stairwell","voltageV":' +
    voltageV +
    ',"currentA":' +
    currentA +
    ',"powerW":' +
    powerW +
    ',"powerFactor":0.62,"currentThdPct":78.0,"energyKWh":930.4}'
  )
}
