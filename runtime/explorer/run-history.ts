/**
 * What the Explorer saw of each flow's run: the session actions (send, receive, end with protocol,
 * version, counterparty and label) from the node's state-machines feed, in order, for the flow page's
 * sequence diagram. The node keeps no such history itself, so a flow's record starts when an Explorer
 * session was logged in to see it; bounded to the most recent `maxFlows` flows and `maxActions` each.
 */
import type { SessionAction } from '../engine/index.js'

export interface ObservedAction {
  readonly at: number
  readonly protocol: string
  readonly version: number
  readonly role: SessionAction['role']
  readonly counterparty: string
  readonly action: SessionAction['action']
  readonly label: string | null
}

export class RunHistory {
  private readonly flows = new Map<string, ObservedAction[]>()
  /** The one feed that records, so two logged-in sessions do not record each action twice. */
  private recorder: object | undefined

  constructor(
    private readonly maxFlows = 1000,
    private readonly maxActions = 500,
  ) {}

  /** Records an action reported by `feed`; only the recording feed's actions are kept (the first feed to report takes the role). */
  record(action: SessionAction, feed: object): void {
    this.recorder ??= feed
    if (this.recorder !== feed) return
    let actions = this.flows.get(action.flowId)
    if (!actions) {
      actions = []
      this.flows.set(action.flowId, actions)
      if (this.flows.size > this.maxFlows) this.flows.delete(this.flows.keys().next().value as string)
    }
    if (actions.length >= this.maxActions) return
    const { protocol, version, role, counterparty, label } = action
    actions.push({ at: Date.now(), protocol, version, role, counterparty, action: action.action, label })
  }

  /** `feed` stopped (its session ended): the next feed to report records. */
  release(feed: object): void {
    if (this.recorder === feed) this.recorder = undefined
  }

  /** The actions seen for a flow, oldest first (empty when none were seen). */
  of(flowId: string): readonly ObservedAction[] {
    return this.flows.get(flowId) ?? []
  }

  /** Which peer was seen on which protocol version, and when last, most recent first. */
  negotiations(): { readonly peer: string; readonly protocol: string; readonly version: number; readonly lastSeenAt: number }[] {
    const latest = new Map<string, { peer: string; protocol: string; version: number; lastSeenAt: number }>()
    for (const actions of this.flows.values())
      for (const a of actions) {
        const key = `${a.counterparty}|${a.protocol}|${a.version}`
        const known = latest.get(key)
        if (!known || known.lastSeenAt < a.at) latest.set(key, { peer: a.counterparty, protocol: a.protocol, version: a.version, lastSeenAt: a.at })
      }
    return [...latest.values()].sort((a, b) => b.lastSeenAt - a.lastSeenAt)
  }

  /** The parties the flow's sessions were seen talking to. */
  counterparties(flowId: string): string[] {
    return [...new Set(this.of(flowId).map((a) => a.counterparty))]
  }
}
