/**
 * The Protocols screen (every protocol version the node declares: hash, roles, lock state, its diagram, and
 * which peers were seen on which versions) and the Peers screen (the network map, each peer's connection,
 * outbox depth, last acknowledgement and last error), refreshed every few seconds.
 */
import { useEffect, useState } from 'preact/hooks'
import { errorText, get } from './api.js'
import { MermaidView } from './mermaid-view.js'
import { type StateTableView, tableDiagram } from './table-diagram.js'

interface ProtocolVersion {
  readonly protocol: string
  readonly version: number
  readonly hash: string
  readonly initiates: boolean
  readonly responds: boolean
  readonly table?: StateTableView
  readonly lock: 'locked' | 'changed' | 'unlocked' | 'unknown'
}

interface Negotiation {
  readonly peer: string
  readonly protocol: string
  readonly version: number
  readonly lastSeenAt?: number
}

interface Peer {
  readonly party: string
  readonly connection: 'connected' | 'connecting' | 'down' | 'unknown'
  readonly address?: string
  readonly outbox: number
  readonly lastAcknowledgedAt?: number
  readonly lastError?: string
}

const lockWords = { locked: 'locked', changed: 'changed since locked', unlocked: 'not locked', unknown: 'unknown (no lockfile given)' } as const

function usePolled<T>(url: string): { data: T | null; error: string } {
  const [data, setData] = useState<T | null>(null)
  const [error, setError] = useState('')
  useEffect(() => {
    let live = true
    const load = () =>
      get<T>(url).then(
        (d) => {
          if (!live) return
          setData(d)
          setError('')
        },
        (e) => live && setError(errorText(e)),
      )
    void load()
    const timer = setInterval(load, 3000)
    return () => {
      live = false
      clearInterval(timer)
    }
  }, [url])
  return { data, error }
}

function ProtocolsScreen() {
  const { data, error } = usePolled<{ protocols: ProtocolVersion[]; negotiations: Negotiation[] }>('/api/protocols')
  return (
    <section>
      <h2>Protocols</h2>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {data?.protocols.map((p) => (
        <article key={`${p.protocol}-${p.version}`} class="protocol" aria-label={`${p.protocol} v${p.version}`}>
          <h3>
            {p.protocol} v{p.version} <span class={`lock ${p.lock}`}>{lockWords[p.lock]}</span>
          </h3>
          <p>
            Hash <code>{p.hash}</code>; this node {[p.initiates && 'initiates', p.responds && 'responds'].filter(Boolean).join(' and ')}.
          </p>
          {p.table ? (
            <MermaidView text={tableDiagram(p.table)} label={`${p.protocol} v${p.version} diagram`} />
          ) : (
            <p class="muted">No state table: the node answers this version only.</p>
          )}
        </article>
      ))}
      <h3>Seen with peers</h3>
      {data && data.negotiations.length === 0 ? (
        <p class="muted">No session seen yet.</p>
      ) : (
        <table aria-label="Versions seen with peers">
          <thead>
            <tr>
              <th>Peer</th>
              <th>Protocol</th>
              <th>Version</th>
              <th>Last seen</th>
            </tr>
          </thead>
          <tbody>
            {data?.negotiations.map((n) => (
              <tr key={`${n.peer}-${n.protocol}-${n.version}`}>
                <td>{n.peer}</td>
                <td>{n.protocol}</td>
                <td>v{n.version}</td>
                <td>{n.lastSeenAt ? new Date(n.lastSeenAt).toLocaleString() : 'a session is open'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

const safe = (text: string) => text.replace(/[^\w .:-]/g, '_')

function networkMap(node: string, peers: readonly Peer[]): string {
  const lines = ['flowchart LR', `  self(["${safe(node)}"])`]
  for (const [i, p] of peers.entries()) {
    lines.push(`  p${i}["${safe(p.party)}${p.address ? `<br/>${safe(p.address)}` : ''}"]`)
    lines.push(`  self ${p.connection === 'connected' ? '---' : '-.-'}|${p.connection}${p.outbox ? `, ${p.outbox} waiting` : ''}| p${i}`)
  }
  return lines.join('\n')
}

function PeersScreen({ node }: { readonly node: string }) {
  const { data, error } = usePolled<{ peers: Peer[] }>('/api/peers')
  return (
    <section>
      <h2>Peers</h2>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {data && data.peers.length > 0 && <MermaidView text={networkMap(node, data.peers)} label="Network map" />}
      <table aria-label="Peers">
        <thead>
          <tr>
            <th>Party</th>
            <th>Address</th>
            <th>Connection</th>
            <th>Outbox</th>
            <th>Last acknowledgement</th>
            <th>Last error</th>
          </tr>
        </thead>
        <tbody>
          {data?.peers.map((p) => (
            <tr key={p.party} data-party={p.party}>
              <td>{p.party}</td>
              <td>{p.address ?? ''}</td>
              <td class={`peer-state ${p.connection}`}>{p.connection}</td>
              <td class="outbox">{p.outbox}</td>
              <td>{p.lastAcknowledgedAt ? new Date(p.lastAcknowledgedAt).toLocaleString() : ''}</td>
              <td>{p.lastError ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}

export function OtherScreens({ screen, node }: { readonly screen: 'protocols' | 'peers'; readonly node: string }) {
  return screen === 'protocols' ? <ProtocolsScreen /> : <PeersScreen node={node} />
}
