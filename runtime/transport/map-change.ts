/**
 * What a reloaded network map changes for a running node (`TcpNetwork.replaceMap`): the parties whose key
 * or address is not what the node's connections to them were checked against, or that left the map. Their
 * links and connections are closed, and so are handshakes still under way (begun against the old map); the
 * next connections are checked against the new map. Nothing else is touched.
 */
import type { Connection } from './connection.js'
import type { NetworkMap } from './network-map.js'
import type { PeerDialer } from './peer-dialer.js'

/** Names of the parties of `old` that `next` lists with another key or address, or not at all. */
export function changedParties(old: NetworkMap, next: NetworkMap): string[] {
  return old.parties
    .filter((before) => {
      const after = next.party(before.name)
      return after === undefined || after.address !== before.address || !after.key.equals(before.key)
    })
    .map((party) => party.name)
}

/** Closes the links and connections of `changed` parties, and every connection not yet authenticated. */
export function closeChangedConnections(changed: readonly string[], dialer: PeerDialer, connections: Iterable<Connection>): void {
  for (const name of changed) dialer.dropLink(name)
  for (const connection of [...connections]) {
    const peer = connection.peer?.name
    if (!connection.isOpen || (peer !== undefined && changed.includes(peer))) connection.close()
  }
}
