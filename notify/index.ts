// Public face of notifications to crews: the notifier the service starts, and the stores and guards the
// API's notification routes adapt (channels, routes, silences, deliveries).
export { createNotifyConfigStore, type NotifyConfigStore } from './config-store.ts'
export { createDeliveryStore, type DeliveryStore } from './delivery-store.ts'
export { migrateNotifyTables } from './migrate.ts'
export { createNotifier, DEFAULT_GROUP_WINDOW_MS, type Notifier, type NotifierDeps } from './notifier.ts'
export {
  createOperatorAlerts,
  type OperatorAlerts,
  type OperatorProblem,
  type OperatorWebhook,
} from './operator-alerts.ts'
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './routing.ts'
export type { FetchLike, MailTransport } from './senders.ts'
export { type NotifyPart, type NotifyStores, openNotifyStores, startNotify } from './start-notify.ts'
export * from './types.ts'
export { ALLOW_NETS_ENV, createWebhookGuard, parseNet, type WebhookGuard } from './webhook-guard.ts'
