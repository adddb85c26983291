export { type AuthLimits, DEFAULT_AUTH_LIMITS } from './auth-guard.ts'
export { type BrokerDeps, createBroker } from './broker.ts'
export { canPublish, canSubscribe, REVOKE_TOPIC, validateConnect } from './policy.ts'
export type { BrokerConfig, BrokerHandle, Identity } from './types.ts'
