// Public face of device commands: the command service (validate against the device's kind, publish, await
// the ack, audit) that the API's command routes and the alert engine's protective actions use.

export {
  COMMAND_RESULTS,
  type CommandAuditRow,
  type CommandOutcome,
  migrateCommandTables,
} from './command-audit.ts'
export {
  ACK_FILTER,
  COMMAND_TIMEOUT_MS,
  type CommandService,
  createCommandService,
  type SentCommand,
} from './command-service.ts'
export { COMMAND_ID_RE } from './repeated-command.ts'
export { type CommandsPart, startCommands } from './start-commands.ts'
export { validateCommand } from './validate-command.ts'
