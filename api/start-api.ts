// The API part of a node: the HTTP API and socket.io on one listener, and the alert bus bridged to the
// live feed (every change of an alert goes to the sockets watching its site or device).
import type { AlertBus, AlertChange } from '../domain/bus.ts'
import type { RunningPart } from '../domain/part.ts'
import { type Api, type ApiDeps, buildApp } from './app.ts'

export interface ApiPart extends RunningPart, Api {
  /** the port actually bound */
  port: number
}

export async function startApi(deps: ApiDeps & { alertBus?: AlertBus }): Promise<ApiPart> {
  const { log } = deps
  const api = await buildApp(deps)
  const onChange = (c: AlertChange) => {
    try {
      api.live.emitAlert(c.alert)
    } catch (err) {
      log.error({ err, alertId: c.alert.id }, 'live alert emit failed')
    }
  }
  deps.alertBus?.on('change', onChange)
  try {
    await api.app.listen({ host: deps.config.host, port: deps.config.port ?? 0 })
  } catch (err) {
    deps.alertBus?.off('change', onChange)
    await api.close()
    throw err
  }
  const addr = api.app.server.address()
  const port = typeof addr === 'object' && addr ? addr.port : (deps.config.port ?? 0)
  return {
    ...api,
    port,
    async stop() {
      deps.alertBus?.off('change', onChange)
      await api.close()
    },
  }
}
