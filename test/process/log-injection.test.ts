/**
 * Names, labels, reasons and messages from peers or files cannot write lines of their own into a readable
 * log, nor send escape codes to the terminal: they are shown escaped, on the line they belong to. JSON
 * lines keep the raw values.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { escapeLogText } from '../../runtime/codec/log-text.js'
import { defaultLogger as engineLogger } from '../../runtime/engine/default-logger.js'
import { formatFlows } from '../../runtime/process/flows-command.js'
import { type NodeEvent, jsonLines, readableLines } from '../../runtime/process/node-events.js'
import { defaultLogger as transportLogger } from '../../runtime/transport/tcp-network-options.js'
import { RawPeer } from '../transport/support/raw-peer.js'
import { TcpCluster, eventually } from '../transport/support/tcp-cluster.js'

const hostile = 'Eve\n[colloquy] fake line\x1b[31m red\r\u2028\u202e'
const shown = 'Eve\\n[colloquy] fake line\\x1b[31m red\\r\\u2028\\u202e'

/** What a sink writes for `events`, readable and as JSON lines. */
function written(events: NodeEvent[]): { readable: string; json: string } {
  let readable = ''
  let json = ''
  const toReadable = readableLines((line) => void (readable += line))
  const toJson = jsonLines((line) => void (json += line))
  for (const event of events) {
    toReadable(event)
    toJson(event)
  }
  return { readable, json }
}

const lines = (text: string) => text.split('\n').slice(0, -1)

describe('escaped log text', () => {
  it('shows control characters, ANSI escape codes, separators and bidirectional overrides as escapes', () => {
    expect(escapeLogText(hostile)).toBe(shown)
    expect(escapeLogText('tab\there, nul\0, del\x7f, c1\x9b, isolate\u2066')).toBe('tab\\there, nul\\x00, del\\x7f, c1\\x9b, isolate\\u2066')
    const plain = 'Alice → Bob: ünïcode and "quotes" \\ stay'
    expect(escapeLogText(plain)).toBe(plain)
  })

  it('one readable line per event whatever its strings hold; JSON lines stay JSON with the raw values', () => {
    const events: NodeEvent[] = [
      { event: 'log', node: 'Bob', level: 'warn', message: `Bob rejected a hello from ${hostile} (unknown-party).`, fields: { party: hostile } },
      {
        event: 'action',
        node: 'Bob',
        protocol: hostile,
        version: 1,
        role: 'responder',
        action: 'receive',
        label: hostile,
        counterparty: hostile,
        flowId: hostile,
      } as NodeEvent,
      { event: 'flow-end', node: hostile, flowId: 'f1', flow: hostile, kind: 'responder', ok: false, error: hostile },
      { event: 'flow-started', node: 'Bob', flowId: hostile, flow: 'x' },
      { event: 'drained', node: 'Bob', parked: [hostile] },
    ]
    const { readable, json } = written(events)
    expect(lines(readable)).toHaveLength(events.length)
    for (const raw of ['\x1b', '\r', '\u2028', '\u202e']) expect(readable).not.toContain(raw)
    for (const line of lines(readable)) expect(line).toContain(shown)
    expect(lines(json).map((line) => JSON.parse(line))).toEqual(events)
  })

  it('in what the default loggers print to the console', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      for (const logger of [engineLogger, transportLogger]) {
        logger.warn(hostile)
        logger.error(hostile)
      }
      for (const [text] of [...warn.mock.calls, ...error.mock.calls]) expect(text).toBe(`[colloquy] ${shown}`)
      expect(warn).toHaveBeenCalledTimes(2)
    } finally {
      warn.mockRestore()
      error.mockRestore()
    }
  })

  it('in the list of unfinished flows', () => {
    const text = formatFlows(
      [{ id: hostile, name: 'asker', kind: 'responder', startedAt: 0, sessions: [{ protocol: 'Rounds', version: 1, peer: hostile }] }] as never,
      'Bob',
    )
    expect(lines(text)).toEqual(['Bob has 1 unfinished flow:', `  ${shown}  asker (responder, since 1970-01-01T00:00:00.000Z): Rounds v1 with ${shown}`])
  })
})

describe('a stranger claiming a name with a newline and escape codes', () => {
  let cluster: TcpCluster
  const events: NodeEvent[] = []
  beforeAll(async () => {
    cluster = await TcpCluster.create(['Bob'])
    // Bob logs as `colloquy node` does: each message a log event.
    const log = (level: 'info' | 'warn' | 'error') => (message: string, fields?: Record<string, unknown>) =>
      void events.push({ event: 'log', node: 'Bob', level, message, ...(fields ? { fields } : {}) })
    await cluster.up('Bob', {}, { logger: { info: log('info'), warn: log('warn'), error: log('error') } })
  })
  afterAll(async () => cluster?.stopAll())
  afterEach(() => void events.splice(0))

  it('gets one readable line, escaped, and the raw name in the JSON line', async () => {
    const raw = await RawPeer.connect(cluster.member('Bob').port)
    await raw.hello(hostile).catch(() => {})
    await eventually(() => events.some((e) => e.event === 'log' && e.fields?.reason === 'unknown-party'), 10_000, 'the rejection logged')
    raw.close()
    const rejection = events.filter((e) => e.event === 'log' && e.fields?.reason === 'unknown-party')
    const { readable, json } = written(rejection)
    expect(lines(readable)).toHaveLength(1)
    expect(readable).toContain(`a peer claiming to be ${shown}`)
    expect(readable).not.toContain('\x1b')
    expect(JSON.parse(lines(json)[0]!).fields.party).toBe(hostile)
  })
})
