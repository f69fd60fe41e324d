/**
 * Which protocol versions a node's code declares, and which flows in its store use a version the code no
 * longer declares. Responders carry the versions they answer; the versions a node initiates come from
 * the protocols listed in NodeOptions.protocols.
 */
import type { StateTable } from '../protocol/ir/state-table.js'
import type { SessionRequest, VersionOffer } from '../protocol/session/channel.js'
import type { ResponderRegistration } from '../protocol/session/protocol-family.js'
import { decode } from '../store/codec.js'
import type { FlowStore } from '../store/flow-store.js'
import type { SessionRow } from '../store/store-rows.js'
import { FlowStartError } from './engine-errors.js'
import type { JournalEntry } from './journal-entry.js'
import { openingEntry } from './initiated-session.js'
import { directionOfKey, parseSessionKey } from './session-key.js'
import type { DeclaredProtocolVersion } from './node-api.js'
import type { StrandedFlow } from './stranded-flow.js'

/** A protocol as generated modules export it (`Demo`, `TwoPartyTrade`, or `Demo.only(1)`): its name and versions. */
export interface DeclaredProtocol {
  readonly name: string
  readonly versions: readonly { readonly hash: string; readonly table: { readonly version: number } }[]
}

export class DeclaredVersions {
  /** protocol -> version -> definition hash */
  private readonly responded = new Map<string, Map<number, string>>()
  private readonly initiated: Map<string, Map<number, string>> | undefined
  /** `<protocol>@<version>` -> the state table the generated object carries, for operators' diagrams. */
  private readonly tables = new Map<string, StateTable>()

  constructor(responders: readonly ResponderRegistration[], protocols: readonly DeclaredProtocol[] | undefined) {
    for (const r of responders) this.responded.set(r.protocol, new Map(r.versions.map((v) => [v.version, v.hash])))
    if (protocols) {
      this.initiated = new Map()
      for (const p of protocols) {
        const versions = this.initiated.get(p.name) ?? new Map<number, string>()
        for (const v of p.versions) {
          versions.set(v.table.version, v.hash)
          if ('states' in v.table) this.tables.set(`${p.name}@${v.table.version}`, v.table as StateTable)
        }
        this.initiated.set(p.name, versions)
      }
    }
  }

  /** Whether the code can run `version` of `protocol` in that role; undefined when the node was not told (no `protocols` option). */
  declares(role: 'initiator' | 'responder', protocol: string, version: number): boolean | undefined {
    const hash = this.hashOf(role, protocol, version)
    return hash === undefined ? undefined : hash !== null
  }

  /** The definition hash the code declares for that version; null when it does not declare it, undefined when not told. */
  private hashOf(role: 'initiator' | 'responder', protocol: string, version: number): string | null | undefined {
    const table = role === 'responder' ? this.responded : this.initiated
    if (!table) return undefined
    return table.get(protocol)?.get(version) ?? null
  }

  /** Whether `label` is a choice of that version, from its state table; undefined without the table or the label (message-history.ts). */
  isChoice(protocol: string, version: number | null, label: string): boolean | undefined {
    const entry = this.tables.get(`${protocol}@${version}`)?.states.find((state) => 'label' in state && state.label === label)
    return entry === undefined ? undefined : entry.op === 'choice'
  }

  /** Every protocol version the code declares, by protocol and version, with its hash and roles. */
  list(): DeclaredProtocolVersion[] {
    const keys = new Set([...this.responded, ...(this.initiated ?? [])].flatMap(([protocol, versions]) => [...versions.keys()].map((v) => `${protocol}@${v}`)))
    return [...keys]
      .map((key) => {
        const at = key.lastIndexOf('@')
        const protocol = key.slice(0, at)
        const version = Number(key.slice(at + 1))
        const initiates = this.initiated?.get(protocol)?.get(version)
        const responds = this.responded.get(protocol)?.get(version)
        const table = this.tables.get(key)
        return {
          protocol,
          version,
          hash: (responds ?? initiates)!,
          initiates: initiates !== undefined,
          responds: responds !== undefined,
          ...(table ? { table } : {}),
        }
      })
      .sort((a, b) => a.protocol.localeCompare(b.protocol) || a.version - b.version)
  }

  /** With a `protocols` list, a flow may only offer what it lists: that keeps the check at start complete. */
  assertInitiates(request: SessionRequest, flowName: string): void {
    if (!this.initiated) return
    const undeclared = request.versions.filter((v) => !this.declares('initiator', request.protocol, v.version))
    if (undeclared.length === 0) return
    throw new FlowStartError(
      `Flow '${flowName}' opened a ${request.protocol} session offering ${undeclared.map((v) => `v${v.version}`).join(', ')}, which the node's \`protocols\` option does not list; ` +
        `add the generated ${request.protocol} object to NodeOptions.protocols so the node knows, at its next start, which versions its flows in flight need.`,
    )
  }

  /** Flows whose sessions (either side, rejected ones aside) use a version this code does not declare. */
  async strandedFlows(store: Pick<FlowStore, 'runningFlows' | 'allSessions' | 'journalOf'>): Promise<StrandedFlow[]> {
    const flows = new Map((await store.runningFlows()).map((row) => [row.id, row]))
    const stranded: StrandedFlow[] = []
    for (const [flowId, rows] of await store.allSessions()) {
      const flow = flows.get(flowId)
      if (!flow) continue
      for (const row of rows) {
        if (row.status === 'rejected') continue
        const role = directionOfKey(row.key)
        const negotiated = row.version !== null
        // The offers recorded at the open matter only while the version is open or its hash was not stored.
        const offers = role === 'initiator' && (!negotiated || row.hash === null) ? await offeredAtOpen(store, row) : []
        const versions = negotiated ? [row.version!] : offers.map((o) => o.version)
        for (const version of versions) {
          const declared = this.hashOf(role, row.protocol, version)
          const base = { flowId, flowName: flow.name, kind: flow.kind, protocol: row.protocol, version, negotiated, role, counterparty: row.peer }
          if (declared === null) stranded.push(base)
          if (!declared || !negotiated) continue
          // Same version number: the flow must still run the definition it negotiated.
          const recorded = row.hash ?? offers.find((o) => o.version === version)?.hash
          if (recorded && recorded !== declared) stranded.push({ ...base, changed: { recorded, declared } })
        }
      }
    }
    return stranded
  }
}

/** The versions (with hashes) an initiating session offered when it opened (recorded in its journal entry). */
async function offeredAtOpen(store: Pick<FlowStore, 'journalOf'>, row: SessionRow): Promise<VersionOffer[]> {
  const journal = (await store.journalOf(row.flow_id)).map((j) => ({ key: j.key, entry: decode<JournalEntry>(j.entry) }))
  const opening = openingEntry(parseSessionKey(row.key, row.peer).id, row.flow_id, journal)
  return opening?.entry.k === 'open' ? [...(opening.entry.offers ?? [])] : []
}
