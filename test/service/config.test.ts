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
})
