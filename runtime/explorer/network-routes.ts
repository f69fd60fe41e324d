/**
 * The Protocols and Peers screens' API, on the logged-in user's RPC client: the protocol versions the node
 * declares (hash, roles, state table) with their lock state (lock-states.ts) and which peers were seen on
 * which versions (the sessions of unfinished flows, and the run history); the node's peers with their
 * connection, outbox and last error.
 */
import type { Hono } from 'hono'
import type { ExplorerEnv } from './explorer-env.js'
import { sessionsIfAllowed } from './flow-filter.js'
import { failure } from './http-errors.js'
import { lockState } from './lock-states.js'
import type { RunHistory } from './run-history.js'

export interface Negotiation {
  readonly peer: string
  readonly protocol: string
  readonly version: number
  /** When the Explorer last saw a session action on it; absent for a session only known open. */
  readonly lastSeenAt?: number
}

export function addNetworkRoutes(app: Hono<ExplorerEnv>, history: RunHistory, lockfile: string | undefined): void {
  app.get('/api/protocols', async (c) => {
    const { client } = c.get('session')
    try {
      const [declared, unfinished] = await Promise.all([client.protocols(), sessionsIfAllowed(client)])
      const protocols = declared.map((p) => ({ ...p, lock: lockState(lockfile, p.protocol, p.version, p.hash) }))
      const negotiations = new Map<string, Negotiation>()
      for (const seen of history.negotiations()) negotiations.set(`${seen.peer}|${seen.protocol}|${seen.version}`, seen)
      for (const flow of unfinished)
        for (const s of flow.sessions) {
          const key = `${s.peer}|${s.protocol}|${s.version}`
          if (s.version !== null && !negotiations.has(key)) negotiations.set(key, { peer: s.peer, protocol: s.protocol, version: s.version })
        }
      return c.json({ protocols, negotiations: [...negotiations.values()] })
    } catch (error) {
      return failure(c, error)
    }
  })
  app.get('/api/peers', async (c) => {
    try {
      return c.json({ peers: await c.get('session').client.peers() })
    } catch (error) {
      return failure(c, error)
    }
  })
}
