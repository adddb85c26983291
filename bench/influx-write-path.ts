// Phase `write-path`: the same decoded circuit readings written to the real InfluxDB (a) the way ingest
// does it (encodePoints → line protocol → influx/ write over undici) and (b) through the `influx`
// package's writePoints (point objects, its schema coercion and escaping, its http pool). Client CPU per
// point comes from process.cpuUsage() around each path; influxd's CPU from /proc beside it. The rounds
// alternate (a b, then b a) so that a drifting VM does not favour one side. Also checks how the package
// types integer fields with and without a schema, and what it does with a newline in a tag value.
import { FieldType, type IPoint, type ISchemaOptions } from 'influx'
import { decodeMessage } from '../domain/decode-message.ts'
import type { Telemetry } from '../domain/protocol.ts'
import {
  FIELDS_BY_KIND,
  MEASUREMENT,
  pointTimestampNs,
  REGISTRY_TAGS,
  type RegistryTags,
  type FieldType as StorageFieldType,
} from '../domain/storage.ts'
import { createInfluxClient, createPackageClient, quoteIdent } from '../influx/index.ts'
import { encodePoints, registryTagSet } from '../ingest/index.ts'
import { circuitPayload } from './circuit-payload.ts'
import { createDatabase, DEVICE_PREFIX } from './influx-query.ts'
import { readCpuMs } from './process-cpu.ts'

export interface PathCost {
  /** client CPU (user + system) per point, µs */
  clientUs: number
  /** influxd CPU per point, µs */
  influxdUs: number
  stored: number
}

export interface WritePathResult {
  points: number
  batch: number
  rounds: { hand: PathCost; pkg: PathCost }[]
  hand: PathCost
  pkg: PathCost
  /** package ÷ hand, client CPU per point */
  ratio: number
  /** InfluxDB's type of an integer field (`seq`) written by the package */
  seqType: { withoutSchema: string; withSchema: string }
  /** measurements the package's write of one point whose tag value holds `\n` left behind */
  newlineInTag: { measurements: string[]; error: string | undefined }
}

interface Reading {
  tags: RegistryTags
  tagSet: string
  msg: { type: 'telemetry'; deviceId: string; kind: 'circuit-monitor'; reading: Telemetry }
}

const KIND = 'circuit-monitor' as const
const SPECS = FIELDS_BY_KIND[KIND].filter((s) => !s.port && !s.derived)
const PKG_TYPE: Record<StorageFieldType, FieldType> = {
  float: FieldType.FLOAT,
  int: FieldType.INTEGER,
  bool: FieldType.BOOLEAN,
  string: FieldType.STRING,
}
const SCHEMA: ISchemaOptions = {
  measurement: MEASUREMENT.circuit,
  tags: [...REGISTRY_TAGS],
  fields: Object.fromEntries(SPECS.map((s) => [s.path, PKG_TYPE[s.type]])),
}

/** N readings from 1,000 devices, decoded exactly as ingest decodes them, with registry tags. */
function makeReadings(n: number): Reading[] {
  const devices = 1_000
  const t0 = Date.now() - 3_600_000
  const out: Reading[] = []
  for (let i = 0; i < n; i++) {
    const d = i % devices
    const device = `${DEVICE_PREFIX}${String(d).padStart(5, '0')}`
    const decoded = decodeMessage(
      `devices/${device}/telemetry`,
      circuitPayload(t0 + Math.floor(i / devices), Math.floor(i / devices)),
      { kind: KIND },
      Date.now(),
    )
    if (!decoded.ok || decoded.value.type !== 'telemetry') throw new Error('bench reading did not decode')
    const tags = { tenant: 'bench', community: 'Bench Court', site: `site-${d % 50}`, device }
    out.push({ tags, tagSet: registryTagSet(tags), msg: decoded.value as Reading['msg'] })
  }
  return out
}

/** The package's point for a reading: the fields the storage schema lists, as the reading has them. */
function toPoint(r: Reading): IPoint {
  const reading = r.msg.reading as unknown as Record<string, unknown>
  const fields: Record<string, unknown> = {}
  for (const s of SPECS) {
    const v = reading[s.path]
    if (v !== undefined) fields[s.path] = v
  }
  return {
    measurement: MEASUREMENT.circuit,
    tags: r.tags,
    fields,
    timestamp: pointTimestampNs(r.msg.reading.ts, r.msg.reading.seq),
  }
}

async function query(influxUrl: string, db: string, q: string) {
  const client = createInfluxClient({ url: influxUrl, db })
  try {
    return await client.query(q)
  } finally {
    await client.close()
  }
}

async function measure(
  influxdPid: number,
  n: number,
  count: () => Promise<number>,
  run: () => Promise<void>,
): Promise<PathCost> {
  const influxd0 = readCpuMs(influxdPid)
  const c0 = process.cpuUsage()
  await run()
  const c = process.cpuUsage(c0)
  const influxdMs = readCpuMs(influxdPid) - influxd0
  return { clientUs: (c.user + c.system) / n, influxdUs: (influxdMs * 1000) / n, stored: await count() }
}

export async function runWritePath(opts: {
  influxUrl: string
  influxdPid: number
  dbPrefix: string
  points: number
  batch: number
}): Promise<WritePathResult> {
  const { influxUrl, batch } = opts
  const readings = makeReadings(opts.points)
  const admin = createInfluxClient({ url: influxUrl, db: `${opts.dbPrefix}_admin` })
  const dbs: string[] = []
  const newDb = async (name: string) => {
    const db = `${opts.dbPrefix}_${name}`
    dbs.push(db)
    await createDatabase(influxUrl, db)
    return db
  }
  const counter = (db: string) => async () => {
    const [s] = await query(influxUrl, db, `SELECT count("seq") FROM ${quoteIdent(MEASUREMENT.circuit)}`)
    return Number(s?.values[0]?.[1] ?? 0)
  }

  // (a) ingest's path: line protocol encoded per reading with the device's cached tag set, one POST per batch
  const hand = async (db: string, rs: Reading[]) => {
    const client = createInfluxClient({ url: influxUrl, db })
    try {
      for (let i = 0; i < rs.length; i += batch) {
        const lines: string[] = []
        const end = Math.min(rs.length, i + batch)
        for (let j = i; j < end; j++) encodePoints(rs[j]!.msg, rs[j]!.tagSet, 0, lines)
        await client.write(lines.join('\n'))
      }
    } finally {
      await client.close()
    }
  }
  // (b) the package: point objects, coerced by its schema (so `seq` stays an integer), one POST per batch
  const pkg = async (db: string, rs: Reading[]) => {
    const client = createPackageClient({ url: influxUrl, db }, { schema: [SCHEMA] })
    try {
      for (let i = 0; i < rs.length; i += batch) {
        const points: IPoint[] = []
        const end = Math.min(rs.length, i + batch)
        for (let j = i; j < end; j++) points.push(toPoint(rs[j]!))
        await client.influx.writePoints(points, { precision: 'n' })
      }
    } finally {
      client.close()
    }
  }

  try {
    // warm-up: both paths JIT-compiled before anything is measured
    const warm = readings.slice(0, Math.min(readings.length, 2 * batch))
    await hand(await newDb('warm_hand'), warm)
    await pkg(await newDb('warm_pkg'), warm)

    const rounds: WritePathResult['rounds'] = []
    for (let r = 0; r < 2; r++) {
      const round = {} as WritePathResult['rounds'][number]
      for (const side of r === 0 ? (['hand', 'pkg'] as const) : (['pkg', 'hand'] as const)) {
        const db = await newDb(`${side}_${r}`)
        const write = side === 'hand' ? hand : pkg
        round[side] = await measure(opts.influxdPid, readings.length, counter(db), () => write(db, readings))
      }
      rounds.push(round)
    }
    const mean = (side: 'hand' | 'pkg'): PathCost => ({
      clientUs: rounds.reduce((s, r) => s + r[side].clientUs, 0) / rounds.length,
      influxdUs: rounds.reduce((s, r) => s + r[side].influxdUs, 0) / rounds.length,
      stored: Math.min(...rounds.map((r) => r[side].stored)),
    })
    const h = mean('hand')
    const p = mean('pkg')
    return {
      points: readings.length,
      batch,
      rounds,
      hand: h,
      pkg: p,
      ratio: p.clientUs / h.clientUs,
      seqType: await seqTypes(influxUrl, await newDb('types')),
      newlineInTag: await newlineInTag(influxUrl, await newDb('newline')),
    }
  } finally {
    for (const db of dbs) await admin.query(`DROP DATABASE ${quoteIdent(db)}`).catch(() => undefined)
    await admin.close()
  }
}

/** `seq` written by the package once without a schema and once with one; InfluxDB's field type for each. */
async function seqTypes(influxUrl: string, db: string): Promise<WritePathResult['seqType']> {
  const bare = createPackageClient({ url: influxUrl, db })
  const typed = createPackageClient(
    { url: influxUrl, db },
    { schema: [{ measurement: 'with_schema', tags: [], fields: { seq: FieldType.INTEGER } }] },
  )
  try {
    await bare.influx.writePoints([{ measurement: 'without_schema', fields: { seq: 3 } }])
    await typed.influx.writePoints([{ measurement: 'with_schema', fields: { seq: 3 } }])
    const keys = await query(influxUrl, db, 'SHOW FIELD KEYS')
    const type = (m: string) => String(keys.find((s) => s.name === m)?.values[0]?.[1] ?? 'missing')
    return { withoutSchema: type('without_schema'), withSchema: type('with_schema') }
  } finally {
    bare.close()
    typed.close()
  }
}

/** One point whose tag value holds `\n`, written by the package; the measurements InfluxDB then holds. */
async function newlineInTag(influxUrl: string, db: string): Promise<WritePathResult['newlineInTag']> {
  const client = createPackageClient({ url: influxUrl, db })
  let error: string | undefined
  try {
    await client.influx.writePoints([
      { measurement: 'reading', tags: { device: 'd1\ninjected' }, fields: { v: 1 } },
    ])
  } catch (err) {
    error = (err as Error).message.slice(0, 120)
  } finally {
    client.close()
  }
  const series = await query(influxUrl, db, 'SHOW MEASUREMENTS')
  return { measurements: (series[0]?.values ?? []).map((v) => String(v[0])), error }
}
