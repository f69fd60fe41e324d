/**
 * What a node process reports as it runs, one event per line: readable text for people, or JSON lines
 * (`--json`) for scripts and tests that drive nodes. A readable line is escaped as a whole (log-text.ts):
 * names, labels, reasons and messages from peers or files cannot start a line of their own or send
 * escape codes to the terminal. JSON lines keep the raw values (JSON.stringify escapes them).
 */
import { escapeLogText } from '../codec/log-text.js'
import type { SessionAction } from '../engine/flow-events.js'

/** One thing a node process reports. */
export type NodeEvent =
  | {
      readonly event: 'ready'
      readonly node: string
      readonly address: string
      readonly pid: number
      readonly resumed: number
      /** The RPC endpoint's URL, when the node has one. */
      readonly rpc?: string
      /** The Explorer's address, when node.json has an `explorer` section. */
      readonly explorer?: string
    }
  | ({ readonly event: 'action' } & SessionAction)
  | { readonly event: 'flow-started'; readonly node: string; readonly flowId: string; readonly flow: string }
  | {
      readonly event: 'flow-end'
      readonly node: string
      readonly flowId: string
      readonly flow: string
      readonly kind: 'started' | 'responder'
      readonly ok: boolean
      readonly result?: unknown
      readonly error?: string
    }
  | {
      readonly event: 'log'
      readonly node: string
      readonly level: 'info' | 'warn' | 'error'
      readonly message: string
      readonly fields?: Record<string, unknown>
    }
  | { readonly event: 'drained'; readonly node: string; readonly parked: readonly string[] }
  | { readonly event: 'stopped'; readonly node: string }

export type EventSink = (event: NodeEvent) => void

export function jsonLines(write: (line: string) => void): EventSink {
  return (event) => write(`${JSON.stringify(event)}\n`)
}

const arrows = { send: '→', receive: '←', end: '■', held: '⏸' } as const

export function readableLines(write: (line: string) => void): EventSink {
  return (event) => {
    const time = new Date().toISOString().slice(11, 23)
    write(`${time} ${escapeLogText(`[${'node' in event ? event.node : '?'}] ${describe(event)}`)}\n`)
  }
}

function describe(event: NodeEvent): string {
  switch (event.event) {
    case 'ready':
      return `listening on ${event.address}${event.rpc ? `, RPC on ${event.rpc}` : ''}${event.explorer ? `, Explorer at ${event.explorer}` : ''} (pid ${event.pid}); resumed ${event.resumed} unfinished ${event.resumed === 1 ? 'flow' : 'flows'}`
    case 'action': {
      if (event.action === 'held')
        return `${event.protocol} v${event.version} ${event.role}: ${arrows.held} init held by ${event.counterparty}'s flow hospital: ${event.reason} (flow ${event.flowId})`
      const step = event.action === 'end' ? 'end' : `${event.action} ${event.label}`
      const with_ = event.action === 'receive' ? `from ${event.counterparty}` : `to ${event.counterparty}`
      return `${event.protocol} v${event.version} ${event.role}: ${arrows[event.action]} ${step} ${with_} (flow ${event.flowId})`
    }
    case 'flow-started':
      return `started flow ${event.flow} (${event.flowId})`
    case 'flow-end':
      return event.ok
        ? `flow ${event.flow} (${event.flowId}) finished: ${JSON.stringify(event.result)}`
        : `flow ${event.flow} (${event.flowId}) failed: ${event.error}`
    case 'log':
      return `${event.level}: ${event.message}${event.fields ? ` ${JSON.stringify(event.fields)}` : ''}`
    case 'drained':
      return `drained: no flow it can run is in flight${event.parked.length ? `; parked (version no longer declared): ${event.parked.join(', ')}` : ''}; safe to stop and upgrade`
    case 'stopped':
      return 'stopped'
  }
}
