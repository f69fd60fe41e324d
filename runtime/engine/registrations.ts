/** The flows a node may start or resume and the responders that answer its peers, by name. */
import type { ResponderRegistration } from '../protocol/session/protocol-family.js'
import { FlowStartError } from './engine-errors.js'
import type { Flow } from './flow.js'

export class Registrations {
  readonly flows = new Map<string, Flow>()
  readonly responders = new Map<string, ResponderRegistration>()

  constructor(
    private readonly node: string,
    flows: readonly Flow[],
    responders: readonly ResponderRegistration[],
  ) {
    for (const f of flows) this.register(f)
    for (const r of responders) {
      if (this.responders.has(r.protocol))
        throw new FlowStartError(`Two responders for ${r.protocol} were given to node ${node}; register one responder per protocol.`)
      this.responders.set(r.protocol, r)
    }
  }

  /** Flow names identify flows in the store: a second, different flow under a known name is refused. */
  register(flow: Flow): void {
    const known = this.flows.get(flow.name)
    if (known && known.run !== flow.run) {
      throw new FlowStartError(
        `Node ${this.node} already has a different flow named '${flow.name}'; flow names identify flows in the store and must be unique.`,
      )
    }
    this.flows.set(flow.name, flow)
  }
}
