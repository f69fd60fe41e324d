/**
 * The receiving half of an authenticated connection: checks that a batch frame is signed by the peer for
 * this connection and comes after the frames already taken, so a frame cannot be forged, reflected,
 * replayed within the connection or moved to another one. A refused frame closes the connection.
 */
import { type Batch, decodeBatch, verifyBatch } from './frame-codec.js'
import type { SessionKeys } from './connection-handshake.js'
import type { PartyEntry } from './network-map.js'
import { type Refusal, refusal } from './reject-reason.js'

export class BatchReceiver {
  /** The counter of the last authentic frame. */
  private counter = 0

  constructor(
    private readonly peer: PartyEntry,
    private readonly keys: SessionKeys,
  ) {}

  /** The batch of an authentic frame body, or why the frame is refused. */
  receive(body: Buffer): Batch | Refusal {
    const batch = decodeBatch(body)
    if (typeof batch === 'string') return refusal('malformed', batch)
    // The tag is compared first: a frame copied from another connection is told apart from a forged one without a signature check.
    if (!batch.tag.equals(this.keys.tag)) return refusal('replayed-connection', 'a frame signed for another connection')
    if (batch.counter <= this.counter) return refusal('replayed-counter', `frame counter ${batch.counter} after ${this.counter}`)
    if (!verifyBatch(this.peer.key, this.keys.receivePrefix, batch)) {
      return refusal('bad-signature', `a frame not signed with the key the network map lists for ${this.peer.name}`)
    }
    this.counter = batch.counter
    return batch
  }
}
