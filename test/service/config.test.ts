import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../service/config.ts'

describe('loadConfig', () => {
  it('gives the documented defaults when nothing is set', () => {
    const r = loadConfig({}, '/srv/courtyard')
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.config).toMatchObject({
      host: '127.0.0.1',
      mqttPort: 1883,
      httpPort: 8080,
      dataDir: '/srv/courtyard/data',
      logLevel: 'info',
      influx: { db: 'courtyard', url: undefined },
      alertsEnabled: true,
      alertsThreadNice: 5,
    })
    expect(r.config.mqttTlsPort).toBeUndefined()
    expect(r.config.mqttWsPort).toBeUndefined()
  })

  it('enables TLS on 8883 only when a certificate and key are both given', () => {
    const r = loadConfig({ MQTT_TLS_CERT: '/c.pem', MQTT_TLS_KEY: '/k.pem' })
    expect(r.ok && r.config.mqttTlsPort).toBe(8883)
  })

  it('refuses two listeners on one port, naming both variables', () => {
    const r = loadConfig({ HTTP_PORT: '1883' })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.errors).toEqual(['HTTP_PORT=1883 is also MQTT_PORT: each listener needs a port of its own'])
    const ws = loadConfig({ MQTT_WS_PORT: '9001', HTTP_PORT: '9001' })
    expect(!ws.ok && ws.errors).toEqual([
      'HTTP_PORT=9001 is also MQTT_WS_PORT: each listener needs a port of its own',
    ])
    expect(loadConfig({ MQTT_WS_PORT: '9001' }).ok).toBe(true)
  })

  it('reports every invalid variable at once, each line naming it', () => {
    const r = loadConfig({
      MQTT_PORT: 'abc',
      HTTP_PORT: '70000',
      INFLUX_URL: 'ftp://x',
      LOG_LEVEL: 'loud',
      MQTT_TLS_CERT: '/c.pem',
      INFLUX_USER: 'u',
      ALERTS_THREAD_NICE: '25',
    })
    expect(r.ok).toBe(false)
    if (r.ok) return
    const text = r.errors.join('\n')
    for (const name of [
      'MQTT_PORT',
      'HTTP_PORT',
      'INFLUX_URL',
      'LOG_LEVEL',
      'MQTT_TLS_CERT',
      'INFLUX_USER',
      'ALERTS_THREAD_NICE',
    ]) {
      expect(text).toContain(name)
    }
    expect(r.errors).toHaveLength(7)
  })

  it('reads a spool bound down to 1 MiB and a segment size, and refuses 0 or fractions', () => {
    const def = loadConfig({})
    expect(def.ok && [def.config.spoolMaxBytes, def.config.spoolSegmentBytes]).toEqual([
      2048 * 1048576,
      64 * 1048576,
    ])
    const small = loadConfig({ SPOOL_MAX_MB: '1', SPOOL_SEGMENT_MB: '1' })
    expect(small.ok && [small.config.spoolMaxBytes, small.config.spoolSegmentBytes]).toEqual([
      1048576, 1048576,
    ])
    const bad = loadConfig({ SPOOL_MAX_MB: '0', SPOOL_SEGMENT_MB: '0.5' })
    expect(bad.ok).toBe(false)
    if (bad.ok) return
    expect(bad.errors).toEqual([
      'SPOOL_MAX_MB=0 is invalid: expected a whole number from 1 to 1048576',
      'SPOOL_SEGMENT_MB=0.5 is invalid: expected a whole number from 1 to 1024',
    ])
  })

  it('reads NOTIFY_WEBHOOK_ALLOW_NETS (none by default) and names a malformed entry', () => {
    const none = loadConfig({})
    expect(none.ok && none.config.webhookAllowNets).toEqual([])
    const ok = loadConfig({ NOTIFY_WEBHOOK_ALLOW_NETS: ' 10.20.0.0/16, 127.0.0.1,fd00::/8,, ' })
    expect(ok.ok && ok.config.webhookAllowNets).toEqual(['10.20.0.0/16', '127.0.0.1', 'fd00::/8'])

    const bad = loadConfig({ NOTIFY_WEBHOOK_ALLOW_NETS: '10.20.0.0/16,10.0.0.0/33,intranet.local,::1' })
    expect(bad.ok).toBe(false)
    if (bad.ok) return
    expect(bad.errors).toHaveLength(2)
    expect(bad.errors[0]).toMatch(/^NOTIFY_WEBHOOK_ALLOW_NETS entry 10\.0\.0\.0\/33 is invalid/)
    expect(bad.errors[1]).toMatch(/^NOTIFY_WEBHOOK_ALLOW_NETS entry intranet\.local is invalid/)
  })

  it('reads the broker’s memory and authentication bounds, with documented defaults', () => {
    const def = loadConfig({})
    expect(def.ok && def.config.broker).toEqual({
      retainMaxBytes: 64,
      qos2InflightMax: 100,
      auth: {
        attemptsPerS: 100,
        attemptsBurst: 500,
        usernameAttemptsPerMin: 30,
        addressFailuresPerMin: 10,
        usernameFailuresPerMin: 5,
        verifyConcurrency: 2,
        verifyQueue: 1000,
      },
      authLogFirst: 20,
      authLogIntervalMs: 60_000,
    })
    const set = loadConfig({
      MQTT_RETAIN_MAX_BYTES: '128',
      MQTT_QOS2_INFLIGHT_MAX: '20',
      MQTT_AUTH_ATTEMPTS_PER_S: '5',
      MQTT_AUTH_ATTEMPTS_BURST: '50',
      MQTT_AUTH_USER_ATTEMPTS_PER_MIN: '12',
      MQTT_AUTH_ADDRESS_FAILURES_PER_MIN: '30',
      MQTT_AUTH_USER_FAILURES_PER_MIN: '3',
      MQTT_AUTH_VERIFY_CONCURRENCY: '1',
      MQTT_AUTH_VERIFY_QUEUE: '0',
      MQTT_AUTH_LOG_FIRST: '5',
      MQTT_AUTH_LOG_INTERVAL_S: '10',
    })
    expect(set.ok && set.config.broker).toEqual({
      retainMaxBytes: 128,
      qos2InflightMax: 20,
      auth: {
        attemptsPerS: 5,
        attemptsBurst: 50,
        usernameAttemptsPerMin: 12,
        addressFailuresPerMin: 30,
        usernameFailuresPerMin: 3,
        verifyConcurrency: 1,
        verifyQueue: 0,
      },
      authLogFirst: 5,
      authLogIntervalMs: 10_000,
    })
    const bad = loadConfig({
      MQTT_QOS2_INFLIGHT_MAX: '0',
      MQTT_AUTH_VERIFY_CONCURRENCY: '100',
      MQTT_AUTH_ATTEMPTS_PER_S: '1.5',
      MQTT_RETAIN_MAX_BYTES: '-1',
    })
    expect(bad.ok).toBe(false)
    if (bad.ok) return
    expect(bad.errors.map((e) => e.split('=')[0]).sort()).toEqual([
      'MQTT_AUTH_ATTEMPTS_PER_S',
      'MQTT_AUTH_VERIFY_CONCURRENCY',
      'MQTT_QOS2_INFLIGHT_MAX',
      'MQTT_RETAIN_MAX_BYTES',
    ])
  })

  it('takes SECRETS_KEY as 32 bytes in hex or base64 and names a bad one without echoing it', () => {
    const hex = 'ab'.repeat(32)
    const ok = loadConfig({ SECRETS_KEY: hex })
    expect(ok.ok && ok.config.secretsKey?.toString('hex')).toBe(hex)
    const bad = loadConfig({ SECRETS_KEY: 'tooshort-but-secret' })
    expect(bad.ok).toBe(false)
    if (bad.ok) return
    expect(bad.errors).toEqual([expect.stringMatching(/^SECRETS_KEY is invalid: expected 32 bytes/)])
    expect(bad.errors[0]).not.toContain('tooshort-but-secret')
    const unset = loadConfig({})
    expect(unset.ok && unset.config.secretsKey).toBeUndefined()
  })

  it('treats empty values as unset and strips a trailing slash from INFLUX_URL', () => {
    const r = loadConfig({ HTTP_PORT: '', INFLUX_URL: 'http://10.0.0.5:8086/' })
    expect(r.ok && r.config.httpPort).toBe(8080)
    expect(r.ok && r.config.influx.url).toBe('http://10.0.0.5:8086')
  })

  it('gives sessions a 12 h idle and 7 day absolute timeout and sign-in 5 failures per name, 50 per address in 15 min', () => {
    const r = loadConfig({})
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.config.sessions).toEqual({ idleTimeoutMs: 12 * 3600_000, absoluteTimeoutMs: 7 * 86_400_000 })
    expect(r.config.signIn).toEqual({
      maxFailuresPerUser: 5,
      maxFailuresPerAddress: 50,
      failureWindowMs: 15 * 60_000,
    })
  })

  it('reads the session and sign-in variables in seconds and counts', () => {
    const r = loadConfig({
      SESSION_IDLE_TIMEOUT_S: '600',
      SESSION_ABSOLUTE_TIMEOUT_S: '3600',
      SIGNIN_MAX_FAILURES_PER_USER: '3',
      SIGNIN_MAX_FAILURES_PER_ADDRESS: '20',
      SIGNIN_FAILURE_WINDOW_S: '60',
    })
    expect(r.ok && r.config.sessions).toEqual({ idleTimeoutMs: 600_000, absoluteTimeoutMs: 3_600_000 })
    expect(r.ok && r.config.signIn).toEqual({
      maxFailuresPerUser: 3,
      maxFailuresPerAddress: 20,
      failureWindowMs: 60_000,
    })
  })

  it('refuses an idle timeout longer than the absolute one, and out-of-range values, naming each variable', () => {
    const r = loadConfig({
      SESSION_IDLE_TIMEOUT_S: '7200',
      SESSION_ABSOLUTE_TIMEOUT_S: '3600',
      SIGNIN_MAX_FAILURES_PER_USER: '0',
      SIGNIN_FAILURE_WINDOW_S: 'soon',
    })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.errors).toHaveLength(3)
    expect(r.errors.join('\n')).toMatch(
      /SESSION_IDLE_TIMEOUT_S=7200 is longer than SESSION_ABSOLUTE_TIMEOUT_S=3600/,
    )
    expect(r.errors.join('\n')).toContain('SIGNIN_MAX_FAILURES_PER_USER=0')
    expect(r.errors.join('\n')).toContain('SIGNIN_FAILURE_WINDOW_S=soon')
  })

  it('reads the API request budget, history bounds and live batch tick, and names each bad value', () => {
    const none = loadConfig({})
    expect(none.ok && none.config.api).toEqual({
      ratePerS: 20,
      burst: 100,
      maxSpanMs: 400 * 86_400_000,
      maxScanPoints: 1_000_000,
      liveBatchMs: 100,
    })
    const set = loadConfig({
      API_RATE_PER_S: '5',
      API_BURST: '10',
      API_MAX_SPAN_DAYS: '90',
      API_MAX_SCAN_POINTS: '200000',
      LIVE_BATCH_MS: '250',
    })
    expect(set.ok && set.config.api).toEqual({
      ratePerS: 5,
      burst: 10,
      maxSpanMs: 90 * 86_400_000,
      maxScanPoints: 200_000,
      liveBatchMs: 250,
    })
    const bad = loadConfig({
      API_RATE_PER_S: '0',
      API_BURST: '1.5',
      API_MAX_SPAN_DAYS: 'forever',
      API_MAX_SCAN_POINTS: '10',
      LIVE_BATCH_MS: '0',
    })
    expect(bad.ok).toBe(false)
    if (bad.ok) return
    expect(bad.errors).toHaveLength(5)
    expect(bad.errors[0]).toMatch(/^API_RATE_PER_S=0 is invalid: expected a whole number from 1/)
    expect(bad.errors[1]).toMatch(/^API_BURST=1\.5 is invalid/)
    expect(bad.errors[2]).toMatch(/^API_MAX_SPAN_DAYS=forever is invalid/)
    expect(bad.errors[3]).toMatch(/^API_MAX_SCAN_POINTS=10 is invalid: expected a whole number from 10000/)
    expect(bad.errors[4]).toMatch(/^LIVE_BATCH_MS=0 is invalid: expected a whole number from 10/)
  })
})
