// The devices file: `[{id, kind, secret, siteId, reportIntervalS?, …}]`, as saved after provisioning.
import { readFile, writeFile } from 'node:fs/promises'
import { CourtyardError } from '../domain/errors.ts'
import { DEVICE_ID_RE, DEVICE_KINDS, type DeviceKind } from '../domain/protocol.ts'
import type { DeviceSpec } from './devices/types.ts'

/** Checks parsed JSON and returns the devices; every problem is reported at once. */
export function parseDevices(json: unknown, defaultIntervalS = 60): DeviceSpec[] {
  if (!Array.isArray(json))
    throw new CourtyardError('BAD_REQUEST', 'devices file must be a JSON array of devices')
  const problems: string[] = []
  const out: DeviceSpec[] = []
  json.forEach((raw: unknown, i) => {
    const d = (raw ?? {}) as Record<string, unknown>
    const where = `device #${i}${typeof d['id'] === 'string' ? ` (${d['id']})` : ''}`
    if (typeof d['id'] !== 'string' || !DEVICE_ID_RE.test(d['id']))
      problems.push(`${where}: id must be 3–64 of [A-Za-z0-9_-]`)
    if (!DEVICE_KINDS.includes(d['kind'] as DeviceKind))
      problems.push(`${where}: kind must be one of ${DEVICE_KINDS.join(', ')}`)
    if (typeof d['siteId'] !== 'string') problems.push(`${where}: siteId is missing`)
    if (d['secret'] !== undefined && typeof d['secret'] !== 'string')
      problems.push(`${where}: secret must be a string`)
    // the optional fields the device models read (estate.ts writes them): a wrong type would crash a
    // model or put an invalid value into every reading
    const optional = (key: string, ok: (v: unknown) => boolean, what: string) => {
      if (d[key] !== undefined && !ok(d[key])) problems.push(`${where}: ${key} must be ${what}`)
    }
    const intIn = (lo: number, hi: number) => (v: unknown) =>
      typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi
    const textUpTo = (max: number) => (v: unknown) => typeof v === 'string' && v.length <= max
    optional('name', textUpTo(200), 'a string of at most 200 characters')
    optional('ports', intIn(1, 64), 'a whole number from 1 to 64')
    optional('circuit', textUpTo(64), 'a string of at most 64 characters')
    optional('room', textUpTo(64), 'a string of at most 64 characters')
    optional('capacity', intIn(0, 10_000), 'a whole number from 0 to 10000')
    optional('lightsW', (v) => typeof v === 'number' && v >= 0 && v <= 100_000, 'a number from 0 to 100000')
    optional('utcOffsetMin', intIn(-720, 840), 'a whole number of minutes from -720 to 840')
    const interval = d['reportIntervalS'] ?? defaultIntervalS
    if (typeof interval !== 'number' || !(interval >= 1 && interval <= 86_400))
      problems.push(`${where}: reportIntervalS must be 1–86400`)
    out.push({ ...(d as unknown as DeviceSpec), reportIntervalS: Number(interval) })
  })
  if (problems.length > 0) throw new CourtyardError('BAD_REQUEST', `devices file: ${problems.join('; ')}`)
  return out
}

export async function loadDevicesFile(path: string, defaultIntervalS = 60): Promise<DeviceSpec[]> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (cause) {
    throw new CourtyardError('BAD_REQUEST', `cannot read devices file ${path}`, { cause })
  }
  try {
    return parseDevices(JSON.parse(text), defaultIntervalS)
  } catch (e) {
    if (e instanceof SyntaxError)
      throw new CourtyardError('BAD_REQUEST', `devices file ${path} is not JSON: ${e.message}`)
    throw e
  }
}

/** Saves devices with their secrets (mode 0600: the file holds credentials). */
export async function saveDevicesFile(path: string, devices: readonly DeviceSpec[]): Promise<void> {
  await writeFile(path, `${JSON.stringify(devices, null, 2)}\n`, { mode: 0o600 })
}
