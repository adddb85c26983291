// Picks the model for a device's kind.
import { createChargingPile } from './charging-pile.ts'
import { createCircuitMonitor } from './circuit-monitor.ts'
import { createDaycareSensor } from './daycare-sensor.ts'
import { createOutdoorDisplay } from './outdoor-display.ts'
import type { DeviceModel, DeviceSpec } from './types.ts'

/** A fresh model for `spec`; the same (spec, seed) and step times always give the same payloads. */
export function createDeviceModel(spec: DeviceSpec, seed: number): DeviceModel {
  switch (spec.kind) {
    case 'charging-pile':
      return createChargingPile(spec, seed)
    case 'circuit-monitor':
      return createCircuitMonitor(spec, seed)
    case 'daycare-sensor':
      return createDaycareSensor(spec, seed)
    case 'outdoor-display':
      return createOutdoorDisplay(spec, seed)
  }
}
