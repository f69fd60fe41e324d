/** An endpoint that records what a network does to it; `accept` decides whether a delivery is processed. */
import type { Endpoint, Envelope } from '../../../runtime/network/index.js'

export class RecordingEndpoint implements Endpoint {
  readonly delivered: Envelope[] = []
  readonly attempts: string[] = []
  readonly acks: [string, string][] = []
  readonly available: string[] = []
  accept: (envelope: Envelope) => boolean | Promise<boolean> = () => true

  async deliver(envelope: Envelope): Promise<void> {
    this.attempts.push(envelope.id)
    if (!(await this.accept(envelope))) throw new Error('not processed')
    this.delivered.push(envelope)
  }
  /** What `acknowledged` returns: when the acknowledgement is durable (at once unless a test says otherwise). */
  durable: (id: string) => void | Promise<void> = () => undefined
  acknowledged(id: string, to: string): void | Promise<void> {
    this.acks.push([id, to])
    return this.durable(id)
  }
  peerAvailable(party: string): void {
    this.available.push(party)
  }
}

export const dataEnvelope = (id: string, payload: unknown = id, from = 'Alice', to = 'Bob'): Envelope => ({
  id,
  from,
  to,
  body: { t: 'data', session: 's1', dir: 'i', seq: 1, frame: { kind: 'data', label: 'x', payload } },
})

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
