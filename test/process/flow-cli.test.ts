/**
 * `colloquy flow` before it connects: arguments checked per action, JSON options parsed, the connection
 * taken from flags or the environment; and how it shows progress trees and what a flow waits for.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flowCommandHelp } from '../../runtime/process/flow-cli/flow-cli-help.js'
import { flowCommand } from '../../runtime/process/flow-cli/flow-command.js'
import { rpcUserCommand, rpcUserHelp } from '../../runtime/process/rpc-user-command.js'
import { statusText } from '../../runtime/process/flow-cli/flow-output.js'
import { messagesText } from '../../runtime/process/flow-cli/messages-output.js'
import { progressTreeLines } from '../../runtime/process/flow-cli/progress-view.js'
import { UsageError } from '../../runtime/protocol/errors/usage-error.js'

const saved = { ...process.env }
beforeEach(() => {
  delete process.env.COLLOQUY_RPC_URL
  delete process.env.COLLOQUY_RPC_USER
  delete process.env.COLLOQUY_RPC_PASSWORD
})
afterEach(() => {
  process.env = { ...saved }
})

async function usage(argv: string[]): Promise<string> {
  const error = await flowCommand(argv).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(UsageError)
  return (error as Error).message
}

describe('help', () => {
  it('colloquy flow --help and colloquy rpc-user --help print their usage and exit 0', async () => {
    const written: string[] = []
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((text) => (written.push(String(text)), true))
    try {
      expect(await flowCommand(['--help'])).toBe(0)
      expect(await rpcUserCommand(['--help'])).toBe(0)
    } finally {
      spy.mockRestore()
    }
    expect(written).toEqual([flowCommandHelp, rpcUserHelp])
    expect(flowCommandHelp).toContain("flow start <name> [--args '<json>'] [--client-id <id>] [--watch]")
    expect(rpcUserHelp).toContain('colloquy rpc-user add --config <node.json> --user <name> [--permission <p>]...')
  })

  it('rpc-user add refuses an unknown permission before asking for a password', async () => {
    const error = await rpcUserCommand(['add', '--config', 'node.json', '--user', 'ops', '--permission', 'InvokeRpc.dropDatabase']).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UsageError)
    expect((error as Error).message).toMatch(/^'InvokeRpc\.dropDatabase' is not a permission: InvokeRpc\.<operation> needs one of startFlow, reattachFlow, /)
  })
})

describe('colloquy flow arguments', () => {
  it('names what is wrong before connecting', async () => {
    expect(await usage([])).toBe('no action; actions are start, list, status, watch, messages, kill, reattach, remove, signal.')
    expect(await usage(['stop', 'x'])).toBe("unknown action 'stop'; actions are start, list, status, watch, messages, kill, reattach, remove, signal.")
    expect(await usage(['messages'])).toBe('flow messages takes <flowId>.')
    expect(await usage(['start'])).toBe('flow start takes <name>.')
    expect(await usage(['signal', 'f1'])).toBe('flow signal takes <flowId> <name>.')
    expect(await usage(['list', '--payload', '{}'])).toBe('flow list does not take --payload.')
    expect(await usage(['start', 'echo', '--args', '{bad'])).toMatch(/^--args is not JSON \(.+\); quote it for the shell, e\.g\. --args '\{"peer":"Bob"\}'\.$/)
    expect(await usage(['list', '--state', 'sleeping'])).toBe("--state is one of running, waiting, hospitalized, finished, failed, not 'sleeping'.")
    expect(await usage(['list', '--since', 'yesterday'])).toBe("--since is a time such as 2026-01-31T12:00:00Z, not 'yesterday'.")
    expect(await usage(['list', '--format', 'yaml'])).toBe("--format is text or json, not 'yaml'.")
  })

  it('takes the connection from flags or the environment, and says which is missing', async () => {
    expect(await usage(['list'])).toBe('no node to connect to; pass --url ws://host:port or set COLLOQUY_RPC_URL (the rpc.listen address of node.json).')
    process.env.COLLOQUY_RPC_URL = 'ws://127.0.0.1:1'
    expect(await usage(['list'])).toBe('no RPC user; pass --user <name> or set COLLOQUY_RPC_USER (`colloquy rpc-user add` creates one).')
    process.env.COLLOQUY_RPC_PASSWORD = 'pw'
    const unreachable = await flowCommand(['list', '--user', 'ops']).catch((e: unknown) => e)
    expect((unreachable as { code?: string }).code).toBe('RPC_CONNECTION')
    expect((unreachable as Error).message).toMatch(
      /^Cannot reach the node's RPC endpoint at ws:\/\/127\.0\.0\.1:1 \(.+\); check that the node runs and the URL\.$/,
    )
  })
})

describe('colloquy flow output', () => {
  it('shows a status with its client id, progress and what the flow waits for', () => {
    const status = {
      id: 'f1',
      name: 'sell-asset',
      kind: 'started' as const,
      status: 'running' as const,
      startedAt: Date.UTC(2026, 0, 31, 12),
      clientId: 'desk-1',
      progress: ['Signing', 'Checking the payment'],
      waitingFor: { kind: 'event' as const, name: 'approval' },
    }
    expect(statusText(status).split('\n')).toEqual([
      'flow f1 (sell-asset, started): running',
      'started 2026-01-31T12:00:00.000Z, client id desk-1',
      'progress: Signing > Checking the payment',
      "waiting for: event 'approval'",
    ])
  })

  it("lists a flow's messages with their steps and payloads, and says when a finished flow has none left", () => {
    const base = { counterparty: 'Desk', sessionId: 's1', role: 'initiator' as const, protocol: 'Echo', version: 1 }
    const messages = [
      { ...base, direction: 'sent' as const, seq: 0, kind: 'choice' as const, label: 'next', branch: 'ping', journalKey: '/0#0' },
      { ...base, direction: 'sent' as const, seq: 1, kind: 'data' as const, label: 'ping', payloadKept: false, journalKey: '/0#1' },
      { ...base, direction: 'received' as const, seq: 1, kind: 'data' as const, label: 'echo', payloadKept: true, payload: { n: 12n }, journalKey: '/0#2' },
      { ...base, direction: 'received' as const, seq: 2, kind: 'end' as const, journalKey: '/0#3' },
    ]
    expect(messagesText({ flowId: 'f1', finished: false, messages }).split('\n')).toEqual([
      '#  PARTY      PROTOCOL  STEP        PAYLOAD',
      '1  to Desk    Echo v1   next: ping',
      '2  to Desk    Echo v1   ping        (not kept: acknowledged by the peer; keepSentPayloads keeps it)',
      '3  from Desk  Echo v1   echo        {"n":{"$bigint":"12"}}',
      '4  from Desk  Echo v1   end',
    ])
    expect(messagesText({ flowId: 'f1', finished: true, messages: [] })).toBe('Flow f1 finished: the node keeps no message history for finished flows.')
  })

  it('draws a progress tree: done steps ticked, the current one marked, its child tracker under it', () => {
    const tree = {
      current: 'signing',
      steps: [
        { name: 'offering', label: 'Sending the offer' },
        {
          name: 'signing',
          label: 'Signing',
          child: {
            current: 'checking',
            steps: [
              { name: 'checking', label: 'Checking the payment' },
              { name: 'sign', label: 'Signing it' },
            ],
          },
        },
        { name: 'waiting', label: 'Waiting for the transaction' },
      ],
    }
    expect(progressTreeLines(tree, false)).toEqual([
      '  ✓ Sending the offer',
      '  ▶ Signing',
      '    ▶ Checking the payment',
      '    · Signing it',
      '  · Waiting for the transaction',
    ])
    expect(progressTreeLines({ ...tree, current: 'DONE' }, true).every((line) => line.includes('✓'))).toBe(true)
  })
})
