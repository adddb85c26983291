import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import type { DeviceKind } from '../../domain/protocol.ts'
import type { DeviceDirectory, DeviceIdentity } from '../../registry/types.ts'
import { openSpoolReader, openSpoolWriter, type SpoolReader, type SpoolWriter } from '../../spool/index.ts'
import { until as untilHolds } from '../support/poll.ts'

export const silentLog = pino({ level: 'silent' })

export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `courtyard-${prefix}-`))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Polls `check` until it holds or the deadline passes. */
export const until = (check: () => boolean | Promise<boolean>, deadlineMs = 20_000): Promise<void> =>
  untilHolds(check, { timeoutMs: deadlineMs, intervalMs: 10 })

/** A registry stand-in with the same lookup contract (the real one is SQLite, tested by its owner). */
export function memoryDirectory(devices: DeviceIdentity[]): DeviceDirectory & {
  add(d: DeviceIdentity): void
  lookups: number
} {
  const byId = new Map(devices.map((d) => [d.id, d]))
  const dir = {
    lookups: 0,
    add: (d: DeviceIdentity) => void byId.set(d.id, d),
    findDevice(id: string, opts?: { includeDecommissioned?: boolean }) {
      dir.lookups++
      const d = byId.get(id)
      if (!d || (d.decommissionedAt !== undefined && !opts?.includeDecommissioned)) return undefined
      return d
    },
    verifyDeviceSecret: async () => false,
    verifyServiceSecret: async () => false,
  }
  return dir
}

export const device = (id: string, kind: DeviceKind, site = 'site-1'): DeviceIdentity => ({
  id,
  kind,
  tenantId: 'tenant-1',
  communityId: 'community-1',
  siteId: site,
  reportIntervalS: 60,
})

export async function openSpool(dir: string): Promise<{ writer: SpoolWriter; reader: SpoolReader }> {
  let reader: SpoolReader | undefined
  const writer = await openSpoolWriter({
    dir,
    maxBytes: 256 * 1024 * 1024,
    log: silentLog,
    onCommit: () => reader?.notify(),
  })
  reader = await openSpoolReader({ dir, log: silentLog })
  return { writer, reader }
}

export const append = (w: SpoolWriter, topic: string, payload: unknown): Promise<void> =>
  new Promise((resolve, reject) =>
    w.append(
      topic,
      Buffer.isBuffer(payload)
        ? payload
        : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)),
      (err) => (err ? reject(err) : resolve()),
    ),
  )

export const circuitReading = (
  ts: number,
  seq: number,
  powerW: number,
  extra: Record<string, unknown> = {},
) => ({
  ts,
  seq,
  kind: 'circuit-monitor',
  circuit: 'B3-stairwell',
  voltageV: 229.5,
  currentA: powerW / 229.5,
  powerW,
  powerFactor: 0.62,
  ...extra,
})
