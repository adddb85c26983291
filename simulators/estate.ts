// Simulated estates: which sites and devices exist. `demoEstate` is the two-community estate
// `npm run demo` shows; `sizedEstate` builds one of any size for load runs.
import type { DeviceKind } from '../domain/protocol.ts'
import type { DeviceSpec } from './devices/types.ts'
import { intBetween, pick, rngFor } from './physics/random.ts'

export const SITE_KINDS = ['charging-shed', 'daycare-centre', 'display', 'building'] as const
export type SiteKind = (typeof SITE_KINDS)[number]

/** A site as POST /api/v1/sites takes it. */
export interface SiteSpec {
  id: string
  name: string
  community: string
  kind: SiteKind
  location?: string
}

export interface Estate {
  sites: SiteSpec[]
  devices: DeviceSpec[]
}

const CIRCUITS = ['stairwell', 'corridor-1F', 'corridor-2F', 'corridor-3F', 'basement', 'bike-store']
const ROOMS = ['activity-room', 'dining-room', 'rest-room', 'rehab-room', 'reading-room', 'craft-room']
const ROOM_CAPACITY: Record<string, readonly [number, number]> = {
  'activity-room': [14, 24],
  'dining-room': [16, 30],
  'rest-room': [6, 12],
  'rehab-room': [4, 10],
  'reading-room': [6, 12],
  'craft-room': [6, 14],
}

export interface EstateOptions {
  /** seconds between readings (default 60; the demo uses 10 so the dashboard moves) */
  reportIntervalS?: number
  /** prefix of every id, so several simulated estates can share one service */
  prefix?: string
}

interface Builder {
  estate: Estate
  rng: () => number
  interval: number
}

function addShed(b: Builder, community: string, siteId: string, name: string, deviceId: string): void {
  b.estate.sites.push({ id: siteId, name, community, kind: 'charging-shed' })
  const ports = pick(b.rng, [10, 12])
  b.estate.devices.push(device(b, deviceId, 'charging-pile', siteId, { ports, name: `${name} pile` }))
}

function device(
  b: Builder,
  id: string,
  kind: DeviceKind,
  siteId: string,
  extra: Partial<DeviceSpec>,
): DeviceSpec {
  return { id, kind, siteId, reportIntervalS: b.interval, utcOffsetMin: 480, ...extra }
}

/** Two communities: sheds with 10–12 ports, corridor circuits, a day-care centre, outdoor displays. */
export function demoEstate(seed: number, opts: EstateOptions = {}): Estate {
  const px = opts.prefix ? `${opts.prefix}-` : ''
  const b: Builder = {
    estate: { sites: [], devices: [] },
    rng: rngFor(seed, 'demo-estate'),
    interval: opts.reportIntervalS ?? 10,
  }
  const communities = [
    { id: 'riverside', name: 'Riverside Garden', sheds: 2, buildings: 2, daycare: true, displays: 2 },
    { id: 'maple', name: 'Maple Court', sheds: 1, buildings: 2, daycare: false, displays: 1 },
  ]
  for (const c of communities) {
    for (let i = 1; i <= c.sheds; i++) {
      addShed(b, c.name, `${px}${c.id}-shed-${i}`, `${c.name} shed ${i}`, `${px}${c.id}-pile-${i}`)
    }
    for (let i = 1; i <= c.buildings; i++) {
      const siteId = `${px}${c.id}-bldg-${i}`
      b.estate.sites.push({
        id: siteId,
        name: `${c.name} building ${i}`,
        community: c.name,
        kind: 'building',
      })
      for (const circuit of CIRCUITS.slice(0, 3)) {
        const label = `B${i}-${circuit}`
        b.estate.devices.push(
          device(b, `${px}${c.id}-b${i}-${circuit.toLowerCase()}`, 'circuit-monitor', siteId, {
            circuit: label,
            name: label,
          }),
        )
      }
    }
    if (c.daycare) {
      const siteId = `${px}${c.id}-daycare`
      b.estate.sites.push({
        id: siteId,
        name: `${c.name} day-care centre`,
        community: c.name,
        kind: 'daycare-centre',
      })
      for (const room of ROOMS.slice(0, 4)) {
        const [lo, hi] = ROOM_CAPACITY[room] ?? [8, 16]
        b.estate.devices.push(
          device(b, `${px}${c.id}-${room}`, 'daycare-sensor', siteId, {
            room,
            capacity: intBetween(b.rng, lo, hi),
            name: room,
          }),
        )
      }
    }
    for (let i = 1; i <= c.displays; i++) {
      const siteId = `${px}${c.id}-display-${i}`
      b.estate.sites.push({ id: siteId, name: `${c.name} display ${i}`, community: c.name, kind: 'display' })
      b.estate.devices.push(
        device(b, `${px}${c.id}-screen-${i}`, 'outdoor-display', siteId, { name: `${c.name} screen ${i}` }),
      )
    }
  }
  return b.estate
}

export interface FleetSize {
  piles: number
  circuits: number
  sensors: number
  displays: number
}

const pad = (n: number) => String(n).padStart(4, '0')

/** An estate of the given size: one community per ~200 devices, one shed per pile, 4 circuits per building, 6 rooms per centre. */
export function sizedEstate(size: FleetSize, seed: number, opts: EstateOptions = {}): Estate {
  const px = opts.prefix ?? 'sim'
  const b: Builder = {
    estate: { sites: [], devices: [] },
    rng: rngFor(seed, 'sized-estate'),
    interval: opts.reportIntervalS ?? 60,
  }
  const total = size.piles + size.circuits + size.sensors + size.displays
  const nCommunities = Math.max(1, Math.ceil(total / 200))
  const community = (i: number) => `Community ${(i % nCommunities) + 1}`
  for (let i = 1; i <= size.piles; i++) {
    addShed(b, community(i), `${px}-shed-${pad(i)}`, `Shed ${i}`, `${px}-pile-${pad(i)}`)
  }
  for (let i = 0; i < size.circuits; i++) {
    const building = Math.floor(i / 4) + 1
    const siteId = `${px}-bldg-${pad(building)}`
    if (i % 4 === 0)
      b.estate.sites.push({
        id: siteId,
        name: `Building ${building}`,
        community: community(building),
        kind: 'building',
      })
    const label = `B${building}-${CIRCUITS[i % 4]}`
    b.estate.devices.push(
      device(b, `${px}-circuit-${pad(i + 1)}`, 'circuit-monitor', siteId, { circuit: label, name: label }),
    )
  }
  for (let i = 0; i < size.sensors; i++) {
    const centre = Math.floor(i / 6) + 1
    const siteId = `${px}-daycare-${pad(centre)}`
    if (i % 6 === 0)
      b.estate.sites.push({
        id: siteId,
        name: `Day-care centre ${centre}`,
        community: community(centre),
        kind: 'daycare-centre',
      })
    const room = ROOMS[i % 6] as string
    const [lo, hi] = ROOM_CAPACITY[room] ?? [8, 16]
    b.estate.devices.push(
      device(b, `${px}-room-${pad(i + 1)}`, 'daycare-sensor', siteId, {
        room,
        capacity: intBetween(b.rng, lo, hi),
        name: room,
      }),
    )
  }
  for (let i = 1; i <= size.displays; i++) {
    const siteId = `${px}-display-${pad(i)}`
    b.estate.sites.push({ id: siteId, name: `Display ${i}`, community: community(i), kind: 'display' })
    b.estate.devices.push(
      device(b, `${px}-screen-${pad(i)}`, 'outdoor-display', siteId, { name: `Screen ${i}` }),
    )
  }
  return b.estate
}
