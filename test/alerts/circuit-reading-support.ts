// The circuit monitor that the engine's skim tests (engine-skim*.test.ts) and readsTelemetryFields's
// review test (reads-telemetry-fields.test.ts) read about: its topic and registry kind as decodeMessage is
// given them, and the device, settings and decoded message the rules are handed for one of its readings.
import { defaultResolveSettings } from '../../alerts/settings.ts'
import type { AlertSettings, RuleDevice } from '../../alerts/types.ts'
import type { DecodedMessage } from '../../domain/decode-message.ts'
import type { CircuitMonitorTelemetry } from '../../domain/protocol.ts'

export const CIRCUIT_TOPIC = 'devices/circ-1/telemetry'
/** what the registry says the device is, for decodeMessage */
export const CIRCUIT_KIND = { kind: 'circuit-monitor' as const }

export interface CircuitFixture {
  /** a meter reporting every 5 s */
  device: RuleDevice
  /** the catalogue's defaults: no site or device override */
  settings: AlertSettings
  /** a reading as decodeMessage hands it on */
  message: (reading: CircuitMonitorTelemetry) => DecodedMessage
}

/** A fresh fixture for each suite: nothing is shared between the files that use it. */
export function circuitFixture(): CircuitFixture {
  const device: RuleDevice = {
    id: 'circ-1',
    kind: 'circuit-monitor',
    siteId: 'blk',
    tenantId: 'acme',
    reportIntervalS: 5,
  }
  return {
    device,
    settings: defaultResolveSettings(undefined, undefined),
    message: (reading) => ({ type: 'telemetry', deviceId: device.id, kind: 'circuit-monitor', reading }),
  }
}
