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

  it('treats empty values as unset and strips a trailing slash from INFLUX_URL', () => {
    const r = loadConfig({ HTTP_PORT: '', INFLUX_URL: 'http://10.0.0.5:8086/' })
    expect(r.ok && r.config.httpPort).toBe(8080)
    expect(r.ok && r.config.influx.url).toBe('http://10.0.0.5:8086')
  })
})
