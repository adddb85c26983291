// The broker part of a node: aedes on its listeners, in the shape every part has.
import type { PartHealth, RunningPart } from '../domain/part.ts'
import { type BrokerDeps, createBroker } from './broker.ts'
import type { BrokerHandle } from './types.ts'

export interface BrokerPart extends BrokerHandle, RunningPart {
  health(): PartHealth
}

export async function startBroker(deps: BrokerDeps): Promise<BrokerPart> {
  const broker = await createBroker(deps)
  return {
    ...broker,
    health: () => ({ ok: true, listening: true, connectedDevices: broker.connectedDevices() }),
    stop: () => broker.close(),
  }
}
