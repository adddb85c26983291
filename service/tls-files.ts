// The MQTT TLS listener's certificate and key: the config holds their paths (MQTT_TLS_CERT, MQTT_TLS_KEY),
// the broker takes their PEM text. Read before any part starts, so a path that cannot be read stops
// start-up with one line naming the variable.
import { readFileSync } from 'node:fs'
import type { ServiceConfig } from './config.ts'

function readPem(variable: string, path: string): Buffer {
  try {
    return readFileSync(path)
  } catch (err) {
    throw new Error(`${variable}=${path}: cannot read it (${(err as Error).message})`)
  }
}

export function readMqttTlsFiles(config: ServiceConfig): { cert?: Buffer; key?: Buffer } {
  if (config.mqttTlsCert === undefined || config.mqttTlsKey === undefined) return {}
  return {
    cert: readPem('MQTT_TLS_CERT', config.mqttTlsCert),
    key: readPem('MQTT_TLS_KEY', config.mqttTlsKey),
  }
}
