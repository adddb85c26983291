// Public face of the HTTP API and socket.io live updates: the service starts it as a part; tests and
// benches build it with `buildApp`.
export { type Api, type ApiConfig, type ApiDeps, buildApp, REVOKE_TOPIC } from './app.ts'
export type { Principal } from './auth.ts'
export { createInfluxDeviceState, type DeviceState, type DeviceStateSource } from './device-state.ts'
export type { LiveFeed, LiveServer } from './live-feed.ts'
export { type LiveSource, mqttLiveSource } from './live-source.ts'
export type { Readiness } from './routes/health.ts'
export type { PartRoutes } from './routes/index.ts'
export { type ApiPart, startApi } from './start-api.ts'
