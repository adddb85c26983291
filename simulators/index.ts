// Public face of the simulators for the service (`npm run demo`) and for tests and benches.
export { createDeviceModel } from './devices/create-device-model.ts'
export type { DeviceModel, DeviceSpec, Injection, InjectionType, OutMessage } from './devices/types.ts'
export { loadDevicesFile, parseDevices, saveDevicesFile } from './devices-file.ts'
export {
  demoEstate,
  type Estate,
  type EstateOptions,
  type FleetSize,
  type SiteSpec,
  sizedEstate,
} from './estate.ts'
export { type Fleet, type FleetOptions, type FleetStats, startFleet } from './fleet.ts'
export { applyMalformed, HOSTILE_TEXT, MALFORMED_VARIANTS, type MalformedVariant } from './malformed.ts'
export * from './physics/index.ts'
export { type ProvisionOptions, provisionEstate } from './provision.ts'
export {
  type DevicePlan,
  parseScenarios,
  planScenarios,
  SCENARIOS,
  type ScenarioName,
  type ScenarioPlan,
} from './scenarios.ts'
