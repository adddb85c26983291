// Configuration of the whole service (docs/api.md "Start-up"): environment variables, all optional.
// Every problem is reported at once, one line per variable, so an operator fixes them in one go.
import { resolve } from 'node:path'
import { ALLOW_NETS_ENV, parseNet } from '../notify/index.ts'
import type { LogFormat } from './logger.ts'

export interface ServiceConfig {
  host: string
  mqttPort: number
  mqttWsPort?: number
  mqttTlsPort?: number
  mqttTlsCert?: string
  mqttTlsKey?: string
  httpPort: number
  influx: {
    /** unset: a local influxd is started under `dataDir/influxdb` */
    url?: string
    db: string
    token?: string
    username?: string
    password?: string
    retention: string
    influxdBin?: string
  }
  dataDir: string
  adminToken?: string
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  /** LOG_FORMAT; unset: chosen by whether stdout is a terminal (service/logger.ts) */
  logFormat?: LogFormat
  spoolMaxBytes: number
  /** size at which the spool starts a new segment file; only wholly consumed segments are deleted */
  spoolSegmentBytes: number
  /** SMTP server for email notifications, e.g. smtp://user:pass@mail.example.com:587 */
  smtpUrl?: string
  mailFrom: string
  /** alerts of one site within this window go out as one grouped notification */
  notifyGroupWindowMs: number
  /** NOTIFY_WEBHOOK_ALLOW_NETS: non-public CIDRs/addresses webhooks may reach (default none) */
  webhookAllowNets: string[]
  /** the alert engine (default on); off for a node that only ingests, or to measure its cost */
  alertsEnabled: boolean
  /** nice value of the alert engine's thread (0–19): the broker and ingest come first when the cores are full */
  alertsThreadNice: number
  ingest: { maxBatch: number; flushIntervalMs: number; maxInflight: number }
}

export type ConfigResult = { ok: true; config: ServiceConfig } | { ok: false; errors: string[] }

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

export function loadConfig(env: Record<string, string | undefined>, cwd = process.cwd()): ConfigResult {
  const errors: string[] = []
  const str = (name: string): string | undefined => {
    const v = env[name]
    return v === undefined || v.trim() === '' ? undefined : v.trim()
  }
  const int = (name: string, def: number | undefined, min: number, max: number): number | undefined => {
    const raw = str(name)
    if (raw === undefined) return def
    const n = Number(raw)
    if (!Number.isInteger(n) || n < min || n > max) {
      errors.push(`${name}=${raw} is invalid: expected a whole number from ${min} to ${max}`)
      return def
    }
    return n
  }
  const port = (name: string, def?: number) => int(name, def, 0, 65535)

  const host = str('HOST') ?? '127.0.0.1'
  if (!/^[A-Za-z0-9.:[\]-]+$/.test(host))
    errors.push(`HOST=${host} is invalid: expected an IP address or host name`)

  const tlsCert = str('MQTT_TLS_CERT')
  const tlsKey = str('MQTT_TLS_KEY')
  if ((tlsCert === undefined) !== (tlsKey === undefined)) {
    errors.push(
      'MQTT_TLS_CERT and MQTT_TLS_KEY must be set together (paths to a PEM certificate and its key)',
    )
  }
  const tlsOn = tlsCert !== undefined && tlsKey !== undefined
  if (str('MQTT_TLS_PORT') && !tlsOn) {
    errors.push(
      'MQTT_TLS_PORT is set but MQTT_TLS_CERT/MQTT_TLS_KEY are not: TLS needs a certificate and key',
    )
  }

  const influxUrl = str('INFLUX_URL')
  if (influxUrl !== undefined) {
    try {
      const u = new URL(influxUrl)
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol')
    } catch {
      errors.push(`INFLUX_URL=${influxUrl} is invalid: expected an http(s) URL such as http://127.0.0.1:8086`)
    }
  }
  const db = str('INFLUX_DB') ?? 'courtyard'
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(db))
    errors.push(`INFLUX_DB=${db} is invalid: use letters, digits, _ or -`)
  const user = str('INFLUX_USER')
  const password = str('INFLUX_PASSWORD')
  if ((user === undefined) !== (password === undefined)) {
    errors.push('INFLUX_USER and INFLUX_PASSWORD must be set together')
  }
  const retention = str('INFLUX_RETENTION') ?? '400d'
  if (!/^(INF|\d+[hdw])$/.test(retention)) {
    errors.push(`INFLUX_RETENTION=${retention} is invalid: expected a duration like 90d, 52w or INF`)
  }

  const logLevel = (str('LOG_LEVEL') ?? 'info') as ServiceConfig['logLevel']
  if (!LOG_LEVELS.includes(logLevel)) {
    errors.push(`LOG_LEVEL=${logLevel} is invalid: expected one of ${LOG_LEVELS.join(', ')}`)
  }
  const logFormat = str('LOG_FORMAT') as LogFormat | undefined
  if (logFormat !== undefined && logFormat !== 'json' && logFormat !== 'pretty') {
    errors.push(`LOG_FORMAT=${logFormat} is invalid: expected json or pretty`)
  }
  const adminToken = str('ADMIN_TOKEN')
  if (adminToken !== undefined && adminToken.length < 16) {
    errors.push(
      'ADMIN_TOKEN is too short: use at least 16 random characters (or unset it to have one generated)',
    )
  }

  const alertsRaw = (str('ALERTS_ENABLED') ?? 'true').toLowerCase()
  if (!['true', 'false', '1', '0'].includes(alertsRaw)) {
    errors.push(`ALERTS_ENABLED=${alertsRaw} is invalid: expected true or false`)
  }

  const smtpUrl = str('SMTP_URL')
  if (smtpUrl !== undefined) {
    try {
      const u = new URL(smtpUrl)
      if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') throw new Error('protocol')
    } catch {
      errors.push(`SMTP_URL is invalid: expected smtp://[user:pass@]host[:port] or smtps://…`)
    }
  }

  const webhookAllowNets = (str(ALLOW_NETS_ENV) ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '')
  for (const e of webhookAllowNets)
    if (!parseNet(e))
      errors.push(
        `${ALLOW_NETS_ENV} entry ${e} is invalid: expected an IP address or CIDR such as 10.20.0.0/16, 127.0.0.1 or fd00::/8`,
      )

  const config: ServiceConfig = {
    host,
    mqttPort: port('MQTT_PORT', 1883) ?? 1883,
    mqttWsPort: port('MQTT_WS_PORT'),
    mqttTlsPort: tlsOn ? (port('MQTT_TLS_PORT', 8883) ?? 8883) : undefined,
    mqttTlsCert: tlsCert,
    mqttTlsKey: tlsKey,
    httpPort: port('HTTP_PORT', 8080) ?? 8080,
    influx: {
      url: influxUrl?.replace(/\/+$/, ''),
      db,
      token: str('INFLUX_TOKEN'),
      username: user,
      password,
      retention,
      influxdBin: str('INFLUXD_BIN'),
    },
    dataDir: resolve(cwd, str('DATA_DIR') ?? './data'),
    adminToken,
    logLevel,
    logFormat,
    // small bounds (down to 1 MiB) serve small disks and the fault suite's disk-full scenario
    spoolMaxBytes: (int('SPOOL_MAX_MB', 2048, 1, 1_048_576) ?? 2048) * 1024 * 1024,
    spoolSegmentBytes: (int('SPOOL_SEGMENT_MB', 64, 1, 1024) ?? 64) * 1024 * 1024,
    alertsEnabled: alertsRaw === 'true' || alertsRaw === '1',
    alertsThreadNice: int('ALERTS_THREAD_NICE', 5, 0, 19) ?? 5,
    smtpUrl,
    mailFrom: str('MAIL_FROM') ?? 'Courtyard <courtyard@localhost>',
    notifyGroupWindowMs: (int('NOTIFY_GROUP_WINDOW_S', 30, 0, 3600) ?? 30) * 1000,
    webhookAllowNets,
    ingest: {
      maxBatch: int('INGEST_MAX_BATCH', 5000, 1, 100_000) ?? 5000,
      flushIntervalMs: int('INGEST_FLUSH_MS', 100, 1, 60_000) ?? 100,
      maxInflight: int('INGEST_MAX_INFLIGHT', 3, 1, 16) ?? 3,
    },
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, config }
}
