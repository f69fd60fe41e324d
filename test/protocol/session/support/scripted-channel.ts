/**
 * A session channel driven by the test: it records what the role sends and answers receive() from a
 * queue of frames (or errors) the test scripts, plus a flow context that opens such channels. No engine,
 * no network: only the typed-state runtime of runtime/protocol/session is under test.
 */
import type { AnyProtocol, FlowContext, RoleRun, SessionChannel, SessionFrame, SessionRequest, VersionSpec } from '../../../../runtime/protocol/index.js'
import { buildStateTable, ProtocolState, protocolHash } from '../../../../runtime/protocol/index.js'
import { ProgressTracker } from '../../../../runtime/engine/progress-tracker.js'

export function specOf(definition: AnyProtocol, inlines: Record<string, VersionSpec> = {}): VersionSpec {
  return { definition, hash: protocolHash(definition), table: buildStateTable(definition), inlines }
}

export interface ScriptedChannel extends SessionChannel {
  readonly sent: SessionFrame[]
  /** Frames (or errors to reject with) that receive() hands out in order. */
  readonly incoming: (SessionFrame | Error)[]
  closed: number
}

export function scriptedChannel(options: {
  protocol: string
  version: number
  role: string
  counterparty?: string
  incoming?: (SessionFrame | Error)[]
}): ScriptedChannel {
  const channel: ScriptedChannel = {
    protocol: options.protocol,
    version: options.version,
    role: options.role,
    counterparty: options.counterparty ?? 'Peer',
    sent: [],
    incoming: options.incoming ?? [],
    closed: 0,
    send: async (frame) => {
      channel.sent.push(frame)
    },
    receive: async () => {
      const next = channel.incoming.shift()
      if (next === undefined) throw new Error('the script has no more frames')
      if (next instanceof Error) throw next
      return next
    },
    close: async () => {
      channel.closed++
    },
  }
  return channel
}

export interface ScriptedContext extends FlowContext {
  readonly requests: SessionRequest[]
}

/** A context whose openSession negotiates `version` and returns `channel`. */
export function scriptedContext(channel: ScriptedChannel): ScriptedContext {
  const requests: SessionRequest[] = []
  return {
    me: 'Me',
    flowId: 'flow-1',
    requests,
    openSession: async (request) => {
      requests.push(request)
      return channel
    },
    step: async (_name, fn) => fn(),
    observeOnError: (fn) => fn(),
    sleep: async () => {},
    now: async () => 0,
    random: async () => 0.5,
    uuid: async () => '00000000-0000-4000-8000-000000000000',
    log: { info: () => {}, warn: () => {}, error: () => {} },
    isKilled: false,
    subFlow: async (definition, args) => definition.run(undefined as never, args),
    progress: new ProgressTracker(),
    waitFor: async () => ({ ok: false, timedOut: true }),
  }
}

/** A role run of `definition` as `role` over `channel`, and the state it starts in. */
export function startState(
  definition: AnyProtocol,
  role: string,
  channel: ScriptedChannel,
  inlines: Record<string, VersionSpec> = {},
): { run: RoleRun; state: ProtocolState } {
  const spec = specOf(definition, inlines)
  const run: RoleRun = { spec, channel, role, prefix: '', context: scriptedContext(channel), sessionErrors: definition.errors }
  return { run, state: new ProtocolState(run, spec.table.start) }
}
