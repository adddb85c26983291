// A day-care centre's store: every room sensor live, each room judged against the season's band from
// the site's effective alert settings, and the centre's open alerts (emergency calls and falls also ring
// the app-wide alarm banner).
import { computed } from '@preact/signals'
import type { Api } from '../api.ts'
import type { Live } from '../live.ts'
import { judgeRoom, type RoomBands, type RoomMetric, roomBands, type Verdict } from '../parts/room-bands.ts'
import type { Alert, DaycareSensorTelemetry, Device } from '../types.ts'
import { createSiteLive } from './site-live.ts'
import type { Season } from './site-settings.ts'

export interface RoomView {
  device: Device
  /** the room's name as the sensor reports it, else the device's */
  name: string
  reading?: DaycareSensorTelemetry
  bands?: RoomBands
  verdicts?: Record<RoomMetric, Verdict>
  /** a reported value is outside its band */
  out: boolean
  alerts: Alert[]
}

export function createDaycareStore(deps: { api: Api; live: Live; siteId: string; now?: () => number }) {
  const now = deps.now ?? Date.now
  const base = createSiteLive({ ...deps, kind: 'daycare-sensor' })
  const rooms = computed<RoomView[]>(() => {
    const st = base.settings.value
    const byDevice = base.alertsByDevice.value
    return base.devices.value.map(({ device, reading }) => {
      const bands = st && reading ? roomBands(reading.ts, st) : undefined
      const judged = bands && reading ? judgeRoom(reading, bands) : undefined
      return {
        device,
        name: reading?.room || device.name || device.id,
        reading,
        bands,
        verdicts: judged?.verdicts,
        out: judged?.out ?? false,
        alerts: byDevice.get(device.id) ?? [],
      }
    })
  })
  return {
    ...base,
    rooms,
    /** the band the page heads with: today's season at the site */
    season: computed<{ season: Season; bands: RoomBands } | undefined>(() => {
      const st = base.settings.value
      if (!st) return undefined
      const bands = roomBands(now(), st)
      return { season: bands.season, bands }
    }),
  }
}

export type DaycareStore = ReturnType<typeof createDaycareStore>
