// Hand-encoded InfluxDB line protocol for the bare reference pipeline: no validation, escaping only
// where a value can need it (measurements.md: ≈ 0.5 µs/point; bench/README.md, phase write-path: the
// `influx` package's writePoints took 2.4–3.4× the client CPU of ingest's own encoding and posting).
import { pointTimestampNs } from '../domain/storage.ts'

// tag values: comma, equals sign and space must be escaped; the device id comes from the topic, and
// `[A-Za-z0-9_-]` ids never need it, so the regex test is the common fast path
const TAG_SPECIAL = /[ ,=\n\\]/g
const escapeTag = (v: string) => (/[ ,=\n\\]/.test(v) ? v.replace(TAG_SPECIAL, (c) => `\\${c}`) : v)
const escapeString = (v: string) => v.replace(/["\\]/g, (c) => `\\${c}`).replace(/\n/g, ' ')

const num = (v: unknown): string | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined

/**
 * One `circuit` point for a circuit-monitor reading, with the same measurement, `device` tag, field
 * names and timestamp scheme as domain/storage.ts, so the bench counts both pipelines with one query.
 * Returns undefined when the reading lacks `ts`/`seq` (the bare pipeline drops it).
 */
export function circuitLine(deviceId: string, r: Record<string, unknown>): string | undefined {
  const ts = r.ts
  const seq = r.seq
  if (typeof ts !== 'number' || typeof seq !== 'number') return undefined
  let fields = 'seq=' + seq + 'i'
  for (const k of ['voltageV', 'currentA', 'powerW', 'powerFactor', 'currentThdPct', 'energyKWh']) {
    const v = num(r[k])
    if (v !== undefined) fields += ',' + k + '=' + v
  }
  if (typeof r.circuit === 'string') fields += ',circuit="' + escapeString(r.circuit) + '"'
  return 'circuit,device=' + escapeTag(deviceId) + ' ' + fields + ' ' + pointTimestampNs(ts, seq)
}
