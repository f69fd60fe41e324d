/**
 * The check that binds a TLS peer link to the network map: the certificate the peer presented in the TLS
 * handshake must be of the key the map lists for the party it claims (tls-credentials.ts makes such
 * certificates). Nothing else of the certificate matters: no authority signs them, the map is the trust.
 * Made once per connection, after the party signed the connection's handshake.
 */
import type { TLSSocket } from 'node:tls'
import type { PartyEntry } from './network-map.js'
import { type Refusal, refusal } from './reject-reason.js'

/** Why the peer's certificate is refused, or undefined when it is of the key the map lists for `peer`. */
export function certificateRefusal(socket: TLSSocket, peer: PartyEntry): Refusal | undefined {
  const certificate = socket.getPeerX509Certificate()
  if (!certificate) return refusal('bad-certificate', `no TLS certificate; ${peer.name} must present one of the key the network map lists for it`)
  if (!certificate.publicKey.equals(peer.key)) {
    return refusal(
      'bad-certificate',
      `a TLS certificate of another key than the network map lists for ${peer.name}; the connection may be relayed by someone else, or the peer uses an old key`,
    )
  }
  return undefined
}
