// Alert thresholds, hold times and schedules (docs/domain.md "Alert catalogue"). The catalogue's
// values are the defaults; a site and then a device may override any part of them through the API
// (`PUT /api/v1/sites/{id}/alert-settings`, `PUT /api/v1/devices/{id}/alert-settings`).
import Type, { type Static } from 'typebox'
import { DEFAULT_STRAY_WIRE_PARAMS, type StrayWireParams } from './stray-wire-types.ts'
import type { AlertSettings, DailyWindow, TimeWindow } from './types.ts'

const opt = Type.Optional
const num = (description: string, minimum = -1e6, maximum = 1e6) =>
  opt(Type.Number({ minimum, maximum, description }))
const secs = (description: string) => opt(Type.Integer({ minimum: 0, maximum: 7 * 86_400, description }))
const MINUTE_OF_DAY = { minimum: 0, maximum: 1440 }

export const DailyWindowSchema = Type.Object(
  {
    startMin: Type.Integer({ ...MINUTE_OF_DAY, description: 'local minutes from midnight' }),
    endMin: Type.Integer({ ...MINUTE_OF_DAY, description: 'local minutes from midnight; < start wraps' }),
    days: opt(Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { maxItems: 7, description: 'ISO 1–7' })),
  },
  { additionalProperties: false },
)

export const TimeWindowSchema = Type.Object(
  { from: Type.Integer({ description: 'epoch ms' }), to: Type.Integer({ description: 'epoch ms' }) },
  { additionalProperties: false },
)

const Band = Type.Object(
  {
    tempMinC: num('°C'),
    tempMaxC: num('°C'),
    humidityMinPct: num('%', 0, 100),
    humidityMaxPct: num('%', 0, 100),
  },
  { additionalProperties: false },
)

const StrayWireOverride = Type.Object(
  {
    minStepW: num('W', 0),
    maxChargerW: num('W', 0),
    quietW: num('W', 0),
    minHarmonicRatio: num('harmonic VA per W', 0),
    confirmNightMin: num('min', 0),
    confirmDayMin: num('min', 0),
    confirmPfcExtraMin: num('min', 0),
    minPfcStepW: num('W', 0),
    quietResetReadings: opt(Type.Integer({ minimum: 1, maximum: 1000 })),
    clearAfterMin: num('min', 0),
    presentW: num('W', 0),
    portMeterError: num('fraction', 0, 1),
    feederMeterError: num('fraction', 0, 1),
    electronicsAllowanceW: num('W', 0),
    maxGapMin: num('min', 0),
    lightingSchedule: opt(
      Type.Array(
        Type.Object(
          {
            onMin: Type.Integer({
              ...MINUTE_OF_DAY,
              description: 'local minutes from midnight lights go on',
            }),
            offMin: Type.Integer({
              ...MINUTE_OF_DAY,
              description: 'local minutes from midnight; < on wraps',
            }),
          },
          { additionalProperties: false },
        ),
        {
          maxItems: 8,
          description: 'timer-switched lights: a load at a lights size arriving then is not a charger',
        },
      ),
    ),
    lightsAtDusk: opt(
      Type.Boolean({
        description:
          "lights on a photocell or an astronomical timer: dusk from the site's location is their hour (the site needs a location)",
      }),
    ),
    duskOffsetMin: opt(
      Type.Integer({
        minimum: -120,
        maximum: 120,
        description: 'minutes after sunset an astronomical timer switches (a photocell: 0)',
      }),
    ),
  },
  { additionalProperties: false },
)

/** Every field optional: the body of the alert-settings routes, and what is stored per site/device. */
export const AlertSettingsOverride = Type.Object(
  {
    utcOffsetMin: opt(
      Type.Integer({ minimum: -720, maximum: 840, description: 'site local time, min east of UTC' }),
    ),
    operatingHours: opt(
      Type.Array(DailyWindowSchema, { maxItems: 32, description: 'display_blank only inside' }),
    ),
    maintenanceWindows: opt(
      Type.Array(Type.Union([DailyWindowSchema, TimeWindowSchema]), {
        maxItems: 64,
        description: 'no tamper alerts and no notifications inside',
      }),
    ),
    smokeClearHoldS: secs('smoke: false / smoke_cleared held this long clears smoke'),
    portOverheatMajorC: num('port tempC for major'),
    portOverheatCriticalC: num('port tempC for critical (and auto stop_port)'),
    portOverheatHoldS: secs('port temperature held this long raises'),
    portOverheatClearC: num('port tempC below which it may clear'),
    portOverheatClearHoldS: secs('below the clear line this long clears'),
    leakageCriticalMA: num('feeder.leakageMA for critical', 0),
    leakageHoldS: secs('leakage held this long raises'),
    leakageClearMA: num('feeder.leakageMA below which it may clear', 0),
    leakageClearHoldS: secs('below the clear line this long clears'),
    airCo2Ppm: num('CO2 above this (ppm) is bad air', 0),
    airCo2MajorPpm: num('CO2 at or above this (ppm) is major', 0),
    airPm25Ugm3: num('PM2.5 above this (µg/m³) is bad air', 0),
    airSummerMonths: opt(
      Type.Array(Type.Integer({ minimum: 1, maximum: 12 }), {
        maxItems: 12,
        description: 'local months 1–12',
      }),
    ),
    airSummerBand: opt(Band),
    airWinterBand: opt(Band),
    airHoldS: secs('bad air held this long raises'),
    airClearHoldS: secs('back inside the band this long clears'),
    displayBlankHoldS: secs('black/frozen while powered, inside operating hours, this long raises'),
    displayOverheatMajorC: num('cabinetTempC for major'),
    displayOverheatCriticalC: num('cabinetTempC for critical'),
    displayOverheatHoldS: secs('cabinet temperature held this long raises'),
    displayOverheatClearC: num('cabinetTempC below which it may clear'),
    displayOverheatClearHoldS: secs('below the clear line this long clears'),
    displaySupplyMinV: num('supplyVoltageV below this is a hardware fault'),
    displaySupplyMaxV: num('supplyVoltageV above this is a hardware fault'),
    displayHardwareHoldS: secs('a hardware fault held this long raises'),
    displayHardwareClearHoldS: secs('back to normal this long clears'),
    fallMinConfidence: num('fall_detected confidence at or above this raises', 0, 1),
    offlineIntervals: num('no message for this many report intervals is offline', 1, 1000),
    offlineWillHoldS: secs('a Will `offline` held this long is offline'),
    strayWire: opt(StrayWireOverride),
  },
  { additionalProperties: false },
)
export type AlertSettingsOverride = Static<typeof AlertSettingsOverride>

export interface SeasonBand {
  tempMinC: number
  tempMaxC: number
  humidityMinPct: number
  humidityMaxPct: number
}

/** The fully resolved settings every rule reads (units in the names). */
export interface CatalogueSettings {
  utcOffsetMin: number
  operatingHours?: DailyWindow[]
  maintenanceWindows?: (DailyWindow | TimeWindow)[]
  smokeClearHoldS: number
  portOverheatMajorC: number
  portOverheatCriticalC: number
  portOverheatHoldS: number
  portOverheatClearC: number
  portOverheatClearHoldS: number
  leakageCriticalMA: number
  leakageHoldS: number
  leakageClearMA: number
  leakageClearHoldS: number
  airCo2Ppm: number
  airCo2MajorPpm: number
  airPm25Ugm3: number
  airSummerMonths: number[]
  airSummerBand: SeasonBand
  airWinterBand: SeasonBand
  airHoldS: number
  airClearHoldS: number
  displayBlankHoldS: number
  displayOverheatMajorC: number
  displayOverheatCriticalC: number
  displayOverheatHoldS: number
  displayOverheatClearC: number
  displayOverheatClearHoldS: number
  displaySupplyMinV: number
  displaySupplyMaxV: number
  displayHardwareHoldS: number
  displayHardwareClearHoldS: number
  fallMinConfidence: number
  offlineIntervals: number
  offlineWillHoldS: number
  /** utcOffsetMin comes from the top level: one local time per site */
  strayWire: Omit<StrayWireParams, 'utcOffsetMin'>
}

const { utcOffsetMin: _swOffset, ...strayWireDefaults } = DEFAULT_STRAY_WIRE_PARAMS

export const DEFAULT_ALERT_SETTINGS: Readonly<CatalogueSettings> = Object.freeze({
  // China: UTC+8 all year
  utcOffsetMin: 480,
  // not in the catalogue: a common municipal schedule for outdoor screens (dark 23:00–06:00)
  operatingHours: [{ startMin: 6 * 60, endMin: 23 * 60 }],
  maintenanceWindows: [],
  smokeClearHoldS: 120,
  portOverheatMajorC: 65,
  portOverheatCriticalC: 75,
  portOverheatHoldS: 60,
  portOverheatClearC: 55,
  portOverheatClearHoldS: 300,
  // GB/T 42236.1: residual-current protection at ≤ 30 mA; the catalogue raises at once
  leakageCriticalMA: 30,
  leakageHoldS: 0,
  leakageClearMA: 15,
  leakageClearHoldS: 300,
  // GB/T 18883 says CO2 ≤ 1000 ppm and PM2.5 ≤ 50 as a 24 h mean; 75 is the catalogue's instant line
  airCo2Ppm: 1000,
  airCo2MajorPpm: 1500,
  airPm25Ugm3: 75,
  airSummerMonths: [5, 6, 7, 8, 9],
  airSummerBand: { tempMinC: 22, tempMaxC: 28, humidityMinPct: 40, humidityMaxPct: 80 },
  airWinterBand: { tempMinC: 16, tempMaxC: 24, humidityMinPct: 30, humidityMaxPct: 60 },
  airHoldS: 15 * 60,
  airClearHoldS: 10 * 60,
  displayBlankHoldS: 120,
  displayOverheatMajorC: 60,
  displayOverheatCriticalC: 70,
  displayOverheatHoldS: 120,
  displayOverheatClearC: 55,
  displayOverheatClearHoldS: 300,
  displaySupplyMinV: 4.5,
  displaySupplyMaxV: 5.5,
  displayHardwareHoldS: 0,
  displayHardwareClearHoldS: 300,
  fallMinConfidence: 0.7,
  offlineIntervals: 3,
  offlineWillHoldS: 120,
  strayWire: strayWireDefaults,
})

// the defaults are a valid override: keeps the schema and the interface in step at compile time
const _schemaMatches: AlertSettingsOverride = DEFAULT_ALERT_SETTINGS

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v)

function merge(
  base: Record<string, unknown>,
  over: Record<string, unknown> | undefined,
): Record<string, unknown> {
  if (!over) return base
  const out: Record<string, unknown> = { ...base }
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue
    const b = out[k]
    // objects merge field by field; arrays (windows, months) replace as a whole
    out[k] = isPlainObject(v) && isPlainObject(b) ? merge(b, v) : v
  }
  return out
}

/** Catalogue defaults ← site override ← device override (the device wins), deep-merged. */
export function resolveSettings(
  defaults: Readonly<CatalogueSettings>,
  siteOverride?: AlertSettingsOverride,
  deviceOverride?: AlertSettingsOverride,
): AlertSettings & CatalogueSettings {
  const site = merge(defaults as unknown as Record<string, unknown>, siteOverride)
  return merge(site, deviceOverride) as unknown as AlertSettings & CatalogueSettings
}

const completed = new WeakMap<object, CatalogueSettings>()

/**
 * The rules' view of `settings`: anything missing falls back to the catalogue default, so a partial
 * object from a caller never reads as `undefined`. Cached per settings object (the hot path).
 */
export function catalogueSettings(settings: AlertSettings): CatalogueSettings {
  let c = completed.get(settings)
  if (!c) {
    c = resolveSettings(DEFAULT_ALERT_SETTINGS, settings as AlertSettingsOverride)
    completed.set(settings, c)
  }
  return c
}

/** The settings say the site's lights switch at dusk: dusk needs the site's location (engine and API). */
export const followsDusk = (settings: AlertSettings): boolean =>
  catalogueSettings(settings).strayWire.lightsAtDusk === true

/**
 * Why these effective settings cannot work at a site, or undefined: dusk is computed from where the site
 * is, so lights that follow dusk need its location. A setting that cannot work is refused, not kept idle.
 */
export function unworkableAtSite(
  settings: AlertSettings,
  location: { lat: number; lon: number } | undefined,
): string | undefined {
  if (followsDusk(settings) && !location)
    return "strayWire.lightsAtDusk needs the site's location to know when dusk is"
  return undefined
}

/** What the engine's device lookup adds to a device's resolved settings for the stray-wire detector. */
export interface StrayWireAttachments {
  /** what crews said about this circuit */
  strayWireFeedback?: StrayWireParams['feedback']
  /** the site's coordinates, for lights that switch at dusk */
  strayWireSite?: { lat: number; lon: number }
}

const detectorParams = new WeakMap<object, StrayWireParams>()

/** The detector's parameters under these settings (the site's local time included); cached per object. */
export function strayWireParams(c: CatalogueSettings): StrayWireParams {
  let p = detectorParams.get(c)
  if (!p) {
    p = { ...c.strayWire, utcOffsetMin: c.utcOffsetMin }
    // crews' answers (alerts/stray-wire-feedback.ts) and the site's location, attached by the engine's
    // device lookup (alerts/engine-devices.ts)
    const { strayWireFeedback: fb, strayWireSite: at } = c as CatalogueSettings & StrayWireAttachments
    if (fb) p.feedback = fb
    if (at && c.strayWire.lightsAtDusk)
      p.duskLights = { lat: at.lat, lon: at.lon, offsetMin: c.strayWire.duskOffsetMin ?? 0 }
    detectorParams.set(c, p)
  }
  return p
}

/** Catalogue defaults ← site override ← device override, from the stored overrides of a site and device. */
export type ResolveSettings = (
  site: Record<string, unknown> | undefined,
  device: Record<string, unknown> | undefined,
) => AlertSettings

export const defaultResolveSettings: ResolveSettings = (site, device) =>
  resolveSettings(DEFAULT_ALERT_SETTINGS, site as AlertSettingsOverride, device as AlertSettingsOverride)
