// The command part of a node: the command service in the shape every part has.
import type { RunningPart } from '../domain/part.ts'
import { type CommandService, createCommandService } from './command-service.ts'

export interface CommandsPart extends RunningPart {
  service: CommandService
}

export function startCommands(deps: Parameters<typeof createCommandService>[0]): CommandsPart {
  const service = createCommandService(deps)
  return { service, stop: () => service.close() }
}
