// A display location's store: every outdoor screen live (state, brightness, cabinet temperature,
// hardware health judged with the site's effective limits) and the location's open alerts.
import { computed } from '@preact/signals'
import type { Api } from '../api.ts'
import type { Live } from '../live.ts'
import { type DisplayProblem, displayProblems } from '../parts/display-health.ts'
import type { Alert, Device, OutdoorDisplayTelemetry } from '../types.ts'
import { createSiteLive } from './site-live.ts'

export interface DisplayView {
  device: Device
  reading?: OutdoorDisplayTelemetry
  problems: DisplayProblem[]
  alerts: Alert[]
}

export function createDisplaysStore(deps: { api: Api; live: Live; siteId: string }) {
  const base = createSiteLive({ ...deps, kind: 'outdoor-display' })
  return {
    ...base,
    displays: computed<DisplayView[]>(() => {
      const st = base.settings.value
      const byDevice = base.alertsByDevice.value
      return base.devices.value.map(({ device, reading }) => ({
        device,
        reading,
        problems: reading ? displayProblems(reading, st) : [],
        alerts: byDevice.get(device.id) ?? [],
      }))
    }),
  }
}

export type DisplaysStore = ReturnType<typeof createDisplaysStore>
