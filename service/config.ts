// Configuration of the whole service (docs/api.md "Start-up"): environment variables, all optional.
// Every problem is reported at once, one line per variable, so an operator fixes them in one go.
import { resolve } from 'node:path'
import type { AuthLimits } from '../broker/index.ts'
import { parseSecretsKey } from '../domain/secret-box.ts'
import {
  ALLOW_NETS_ENV,
  type OperatorWebhook,
  parseNet,
  WEBHOOK_FORMATS,
  type WebhookFormat,
} from '../notify/index.ts'
import type { LogFormat } from './logger.ts'

export interface ServiceConfig {
  host: string
  mqttPort: number
  mqttWsPort?: number
  mqttTlsPort?: number
  /** paths of the TLS listener's PEM certificate and key (read at start: service/tls-files.ts) */
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
  /** SECRETS_KEY (32 bytes): encrypts channel secrets in alerts.db; unset: DATA_DIR/secrets.key (service/secrets-key.ts) */
  secretsKey?: Buffer
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  /** LOG_FORMAT; unset: chosen by whether stdout is a terminal (service/logger.ts) */
  logFormat?: LogFormat
  spoolMaxBytes: number
  /** size at which the spool starts a new segment file; only wholly consumed segments are deleted */
  spoolSegmentBytes: number
  /** free space the spool keeps on its file system (unset: 10 % of it, at most 64 MiB) */
  spoolReserveBytes?: number
  /** SMTP server for email notifications, e.g. smtp://user:pass@mail.example.com:587 */
  smtpUrl?: string
  mailFrom: string
  /** alerts of one site within this window go out as one grouped notification */
  notifyGroupWindowMs: number
  /** where the node's own problems (spool consumer far behind, spool full, a part not ready) are posted */
  operatorWebhook?: OperatorWebhook
  /** how often the node's readiness is checked for operator alerts */
  operatorCheckMs: number
  /** NOTIFY_WEBHOOK_ALLOW_NETS: non-public CIDRs/addresses webhooks may reach (default none) */
  webhookAllowNets: string[]
  /** the alert engine (default on); off for a node that only ingests, or to measure its cost */
  alertsEnabled: boolean
  /** nice value of the alert engine's thread (0–19): the broker and ingest come first when the cores are full */
  alertsThreadNice: number
  ingest: { maxBatch: number; flushIntervalMs: number; maxInflight: number }
  /** people's sessions: ended when unused for idleTimeoutMs, and absoluteTimeoutMs after sign-in */
  sessions: { idleTimeoutMs: number; absoluteTimeoutMs: number }
  /** sign-in failures allowed per username and per address within failureWindowMs, then 429 */
  signIn: { maxFailuresPerUser: number; maxFailuresPerAddress: number; failureWindowMs: number }
  /** the broker's memory and authentication bounds (README "Security") */
  broker: {
    retainMaxBytes: number
    qos2InflightMax: number
    auth: AuthLimits
    authLogFirst: number
    authLogIntervalMs: number
  }
  /** per-caller request budget on /api/v1 and what one history request may cost InfluxDB */
  api: {
    /** API_RATE_PER_S: sustained requests per second per token, session or (failing) address */
    ratePerS: number
    /** API_BURST: requests a caller may send at once */
    burst: number
    /** API_MAX_SPAN_DAYS: longest telemetry or events range */
    maxSpanMs: number
    /** API_MAX_SCAN_POINTS: most stored points one telemetry request may read */
    maxScanPoints: number
    /** LIVE_BATCH_MS: how long batched live readings wait to be sent together (latency against CPU) */
    liveBatchMs: number
  }
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
  const optionalMiB = <K extends string>(key: K, mib: number | undefined) =>
    mib === undefined ? {} : ({ [key]: mib * 1024 * 1024 } as Record<K, number>)

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

  const secretsKeyText = str('SECRETS_KEY')
  const secretsKey = secretsKeyText === undefined ? undefined : parseSecretsKey(secretsKeyText)
  // the value itself is never echoed: it is a secret
  if (secretsKeyText !== undefined && secretsKey === undefined)
    errors.push(
      'SECRETS_KEY is invalid: expected 32 bytes as 64 hex digits or base64 (e.g. the output of `openssl rand -base64 32`)',
    )

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

  const operatorUrl = str('OPERATOR_WEBHOOK_URL')
  const operatorFormat = (str('OPERATOR_WEBHOOK_FORMAT') ?? 'json') as WebhookFormat
  if (!WEBHOOK_FORMATS.includes(operatorFormat))
    errors.push(
      `OPERATOR_WEBHOOK_FORMAT=${operatorFormat} is invalid: expected one of ${WEBHOOK_FORMATS.join(', ')}`,
    )
  if (operatorUrl !== undefined) {
    try {
      const u = new URL(operatorUrl)
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol')
    } catch {
      errors.push('OPERATOR_WEBHOOK_URL is invalid: expected an http:// or https:// URL')
    }
  }
  const operatorSecret = str('OPERATOR_WEBHOOK_SECRET')
  const operatorWebhook: OperatorWebhook | undefined =
    operatorUrl === undefined
      ? undefined
      : {
          url: operatorUrl,
          format: operatorFormat,
          ...(operatorSecret === undefined ? {} : { secret: operatorSecret }),
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

  // a working day unused ends a session; a week after sign-in it ends anyway
  const sessionIdleS = int('SESSION_IDLE_TIMEOUT_S', 12 * 3600, 60, 30 * 86_400) ?? 12 * 3600
  const sessionAbsoluteS = int('SESSION_ABSOLUTE_TIMEOUT_S', 7 * 86_400, 60, 365 * 86_400) ?? 7 * 86_400
  if (sessionIdleS > sessionAbsoluteS)
    errors.push(
      `SESSION_IDLE_TIMEOUT_S=${sessionIdleS} is longer than SESSION_ABSOLUTE_TIMEOUT_S=${sessionAbsoluteS}: the idle timeout must fit inside the absolute one`,
    )

  // two of our own listeners on one port: the second would fail as if another program held it
  const mqttPort = port('MQTT_PORT', 1883) ?? 1883
  const mqttWsPort = port('MQTT_WS_PORT')
  const mqttTlsPort = tlsOn ? (port('MQTT_TLS_PORT', 8883) ?? 8883) : undefined
  const httpPort = port('HTTP_PORT', 8080) ?? 8080
  const listeners = [
    ['MQTT_PORT', mqttPort],
    ['MQTT_WS_PORT', mqttWsPort],
    ['MQTT_TLS_PORT', mqttTlsPort],
    ['HTTP_PORT', httpPort],
  ] as const
  for (const [i, [name, p]] of listeners.entries()) {
    const same = listeners.find(([, q], j) => j < i && p !== undefined && q === p)
    if (same) errors.push(`${name}=${p} is also ${same[0]}: each listener needs a port of its own`)
  }

  const config: ServiceConfig = {
    host,
    mqttPort,
    mqttWsPort,
    mqttTlsPort,
    mqttTlsCert: tlsCert,
    mqttTlsKey: tlsKey,
    httpPort,
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
    secretsKey,
    logLevel,
    logFormat,
    // small bounds (down to 1 MiB) serve small disks and the fault suite's disk-full scenario
    spoolMaxBytes: (int('SPOOL_MAX_MB', 2048, 1, 1_048_576) ?? 2048) * 1024 * 1024,
    spoolSegmentBytes: (int('SPOOL_SEGMENT_MB', 64, 1, 1024) ?? 64) * 1024 * 1024,
    ...optionalMiB('spoolReserveBytes', int('SPOOL_RESERVE_MB', undefined, 0, 1_048_576)),
    alertsEnabled: alertsRaw === 'true' || alertsRaw === '1',
    alertsThreadNice: int('ALERTS_THREAD_NICE', 5, 0, 19) ?? 5,
    smtpUrl,
    mailFrom: str('MAIL_FROM') ?? 'Courtyard <courtyard@localhost>',
    notifyGroupWindowMs: (int('NOTIFY_GROUP_WINDOW_S', 30, 0, 3600) ?? 30) * 1000,
    ...(operatorWebhook === undefined ? {} : { operatorWebhook }),
    operatorCheckMs: (int('OPERATOR_CHECK_S', 10, 1, 3600) ?? 10) * 1000,
    webhookAllowNets,
    broker: {
      retainMaxBytes: int('MQTT_RETAIN_MAX_BYTES', 64, 0, 65_536) ?? 64,
      qos2InflightMax: int('MQTT_QOS2_INFLIGHT_MAX', 100, 1, 65_535) ?? 100,
      auth: {
        attemptsPerS: int('MQTT_AUTH_ATTEMPTS_PER_S', 100, 1, 1_000_000) ?? 100,
        attemptsBurst: int('MQTT_AUTH_ATTEMPTS_BURST', 500, 1, 1_000_000) ?? 500,
        usernameAttemptsPerMin: int('MQTT_AUTH_USER_ATTEMPTS_PER_MIN', 30, 1, 1_000_000) ?? 30,
        addressFailuresPerMin: int('MQTT_AUTH_ADDRESS_FAILURES_PER_MIN', 10, 1, 1_000_000) ?? 10,
        usernameFailuresPerMin: int('MQTT_AUTH_USER_FAILURES_PER_MIN', 5, 1, 1_000_000) ?? 5,
        verifyConcurrency: int('MQTT_AUTH_VERIFY_CONCURRENCY', 2, 1, 64) ?? 2,
        verifyQueue: int('MQTT_AUTH_VERIFY_QUEUE', 1000, 0, 1_000_000) ?? 1000,
      },
      authLogFirst: int('MQTT_AUTH_LOG_FIRST', 20, 0, 1_000_000) ?? 20,
      authLogIntervalMs: (int('MQTT_AUTH_LOG_INTERVAL_S', 60, 1, 86_400) ?? 60) * 1000,
    },
    ingest: {
      maxBatch: int('INGEST_MAX_BATCH', 5000, 1, 100_000) ?? 5000,
      flushIntervalMs: int('INGEST_FLUSH_MS', 100, 1, 60_000) ?? 100,
      maxInflight: int('INGEST_MAX_INFLIGHT', 3, 1, 16) ?? 3,
    },
    sessions: { idleTimeoutMs: sessionIdleS * 1000, absoluteTimeoutMs: sessionAbsoluteS * 1000 },
    signIn: {
      maxFailuresPerUser: int('SIGNIN_MAX_FAILURES_PER_USER', 5, 1, 1000) ?? 5,
      maxFailuresPerAddress: int('SIGNIN_MAX_FAILURES_PER_ADDRESS', 50, 1, 100_000) ?? 50,
      failureWindowMs: (int('SIGNIN_FAILURE_WINDOW_S', 900, 1, 86_400) ?? 900) * 1000,
    },
    api: {
      ratePerS: int('API_RATE_PER_S', 20, 1, 100_000) ?? 20,
      burst: int('API_BURST', 100, 1, 1_000_000) ?? 100,
      maxSpanMs: (int('API_MAX_SPAN_DAYS', 400, 1, 36_500) ?? 400) * 86_400_000,
      maxScanPoints: int('API_MAX_SCAN_POINTS', 1_000_000, 10_000, 1_000_000_000) ?? 1_000_000,
      liveBatchMs: int('LIVE_BATCH_MS', 100, 10, 5_000) ?? 100,
    },
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, config }
}
