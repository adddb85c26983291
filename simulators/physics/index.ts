// The physics the device models and the stray-wire evaluation share: loads, chargers, meters, sheds, seeded randomness.

export * from './appliances.ts'
export * from './charger.ts'
export * from './climate.ts'
export * from './index.ts'
export * from './load-model.ts'
export * from './loads.ts'
export * from './meter.ts'
export * from './random.ts'
export * from './shed.ts'
