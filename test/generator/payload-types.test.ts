/**
 * Payload types by side, one row per kind of zod schema the DSL accepts (protocols/payload-kinds.protocol.ts):
 * the type emitted for the receiver (`<Msg>`, the schema's output) and for the sender (`<Msg>Input`, its
 * input), and a value of each kind sent and received at run time, arriving as the schema's output. That
 * the emitted types agree with zod's `z.input` / `z.output` and are sendable without a cast is checked by
 * the compile fixture test/types/fixtures/pass/payload-kinds.ts.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  PayloadKinds,
  type PayloadKindsV1Reader_End,
  type PayloadKindsV1Reader_ReceiveNullValue,
  type PayloadKindsV1Writer_End,
  type PayloadKindsV1Writer_SendNullValue,
} from '../../generated/payload-kinds.js'
import { PayloadKinds as Schemas } from '../../protocols/payload-kinds.protocol.js'
import { InvalidPayloadError, type Untrustworthy } from '../../runtime/protocol/index.js'
import { testSession } from '../../runtime/testing/index.js'
import { decodeWireJson, encodeWireJson } from '../../runtime/transport/wire-json.js'
import { repoRoot } from './support/temp-project.js'

type Kind = keyof typeof Schemas

interface Row {
  readonly kind: Kind
  /** What the receiver reads, as emitted (whitespace collapsed). */
  readonly output: string
  /** What the sender writes; `same` when `<Msg>Input` is an alias of `<Msg>`. */
  readonly input: string
  /** A value the sender writes; it arrives as the schema's output of it. */
  readonly sample: unknown
}

const tag = (kind: Kind): string => `MessageTag<'PayloadKinds v1 ${kind}'>`
const same = 'same'

const table: readonly Row[] = [
  { kind: 'nullValue', output: 'null', input: same, sample: null },
  { kind: 'nullableText', output: `string & ${tag('nullableText')} | null`, input: same, sample: null },
  { kind: 'optionalText', output: `string & ${tag('optionalText')} | undefined`, input: same, sample: undefined },
  { kind: 'nullishNumber', output: `number & ${tag('nullishNumber')} | null | undefined`, input: same, sample: 7 },
  { kind: 'defaultedText', output: `string & ${tag('defaultedText')}`, input: `string & ${tag('defaultedText')} | undefined`, sample: undefined },
  {
    kind: 'defaultedFields',
    output: `{ readonly note: string readonly count?: number | undefined readonly tag: string | null } & ${tag('defaultedFields')}`,
    input: `{ readonly note?: string | undefined readonly count?: number | undefined readonly tag?: string | null | undefined } & ${tag('defaultedFields')}`,
    sample: { count: 2 },
  },
  { kind: 'textList', output: `(readonly string[]) & ${tag('textList')}`, input: same, sample: ['a', 'b'] },
  { kind: 'readonlyList', output: `(readonly number[]) & ${tag('readonlyList')}`, input: same, sample: Object.freeze([1, 2]) },
  { kind: 'pair', output: 'readonly [string, number]', input: same, sample: ['x', 1] },
  { kind: 'headAndRest', output: 'readonly [string, ...number[]]', input: same, sample: ['head', 1, 2, 3] },
  { kind: 'textOrNumber', output: `(string | number) & ${tag('textOrNumber')}`, input: same, sample: 'text' },
  {
    kind: 'shape',
    output: `({ readonly kind: "circle"; readonly radius: number } | { readonly kind: "square"; readonly side: number }) & ${tag('shape')}`,
    input: same,
    sample: { kind: 'circle', radius: 1.5 },
  },
  { kind: 'counts', output: `{ readonly [key: string]: number } & ${tag('counts')}`, input: same, sample: { apples: 3, pears: 0 } },
  { kind: 'perLevel', output: `{ readonly low: boolean; readonly high: boolean } & ${tag('perLevel')}`, input: same, sample: { low: true, high: false } },
  { kind: 'somePerLevel', output: `{ readonly low?: boolean; readonly high?: boolean } & ${tag('somePerLevel')}`, input: same, sample: { high: true } },
  { kind: 'level', output: `("low" | "high") & ${tag('level')}`, input: same, sample: 'high' },
  { kind: 'greeting', output: `"hello" & ${tag('greeting')}`, input: same, sample: 'hello' },
  { kind: 'answer', output: `42 & ${tag('answer')}`, input: same, sample: 42 },
  { kind: 'flag', output: `boolean & ${tag('flag')}`, input: same, sample: false },
  { kind: 'anything', output: 'unknown', input: same, sample: { any: ['thing', 1, null] } },
  { kind: 'strictShape', output: `{ readonly id: string } & ${tag('strictShape')}`, input: same, sample: { id: 's' } },
  {
    kind: 'looseShape',
    output: `{ readonly id: string; readonly [key: string]: unknown } & ${tag('looseShape')}`,
    input: same,
    sample: { id: 'l', extra: true },
  },
  {
    kind: 'withExtras',
    output: `{ readonly id: string; readonly [key: string]: number | string } & ${tag('withExtras')}`,
    input: same,
    sample: { id: 'e', n: 1 },
  },
  { kind: 'merged', output: `{ readonly a: string; readonly b: number } & ${tag('merged')}`, input: same, sample: { a: 'a', b: 1 } },
  { kind: 'nested', output: `{ readonly outer?: { readonly inner?: string | undefined } | undefined } & ${tag('nested')}`, input: same, sample: { outer: {} } },
  { kind: 'frozen', output: `{ readonly id: string } & ${tag('frozen')}`, input: same, sample: { id: 'f' } },
  { kind: 'refinedNumber', output: `number & ${tag('refinedNumber')}`, input: same, sample: 5 },
  { kind: 'refinedText', output: `string & ${tag('refinedText')}`, input: same, sample: 'abc' },
  {
    kind: 'tree',
    output: `{ readonly name: string; readonly children: readonly PayloadKindsV1_Tree[] } & ${tag('tree')}`,
    input: same,
    sample: { name: 'root', children: [{ name: 'leaf', children: [] }] },
  },
]

const generated = readFileSync(path.join(repoRoot, 'generated', 'payload-kinds.ts'), 'utf8')
const typeName = (kind: Kind): string => `PayloadKindsV1_${kind[0]!.toUpperCase()}${kind.slice(1)}`

/** The emitted right-hand side of `export type <name> = ...;`, whitespace collapsed. */
function emitted(name: string): string | undefined {
  const match = new RegExp(`^export type ${name} = ([\\s\\S]*?);$`, 'm').exec(generated)
  return match?.[1]?.replace(/\s+/g, ' ')
}

/** Just enough of the generated states to walk them in order whatever the step. */
interface Sending {
  send(payload: unknown): Promise<Sending>
}
interface Receiving {
  receive(): Promise<{ readonly payload: Untrustworthy<unknown>; readonly next: Receiving }>
}

async function roundTrip(rows: readonly Row[]): Promise<unknown[]> {
  const outcome = await testSession(PayloadKinds, {
    initiator: (ctx) =>
      PayloadKinds.initiate(ctx, 'Reader', {
        v1: async <S>(first: PayloadKindsV1Writer_SendNullValue<S>) => {
          let s = first as unknown as Sending
          for (const row of rows) s = await s.send(row.sample)
          return (s as unknown as PayloadKindsV1Writer_End<S>).end()
        },
      }),
    responder: PayloadKinds.responder({
      v1: async <S>(first: PayloadKindsV1Reader_ReceiveNullValue<S>) => {
        let s = first as unknown as Receiving
        const received: unknown[] = []
        for (const _row of rows) {
          const { payload, next } = await s.receive()
          received.push(payload.unwrap((v) => v))
          s = next
        }
        return (s as unknown as PayloadKindsV1Reader_End<S>).end(received)
      },
    }),
  })
  expect(outcome.initiator.status).toBe('fulfilled')
  if (outcome.responder?.status !== 'fulfilled') throw new Error(`the reader failed: ${String((outcome.responder as { reason?: unknown })?.reason)}`)
  return outcome.responder.value as unknown[]
}

describe('payload types by side', () => {
  it('has one row per message of the PayloadKinds protocol, in protocol order', () => {
    expect(table.map((r) => r.kind)).toEqual(Object.keys(Schemas))
  })

  it.each(table.map((row) => [row.kind, row] as const))('%s: emits the receiver and sender types', (kind, row) => {
    expect(emitted(typeName(kind))).toBe(row.output)
    expect(emitted(`${typeName(kind)}Input`)).toBe(row.input === same ? typeName(kind) : row.input)
  })

  it('types send() with the sender side and receive() with the receiver side', () => {
    expect(generated).toContain('send(payload: PayloadKindsV1_DefaultedTextInput): Promise<')
    expect(generated).toContain('receive(): Promise<Received<PayloadKindsV1_DefaultedText, ')
  })

  it('draws tuples in the diagram (a z.tuple payload used to stop the generator)', () => {
    const diagram = readFileSync(path.join(repoRoot, 'generated', 'payload-kinds.md'), 'utf8')
    expect(diagram).toContain('Writer->>Reader: pair: [string, integer]')
    expect(diagram).toContain('Writer->>Reader: headAndRest: [string, ...number]')
  })

  it('sends a value of every kind and the receiver gets the schema output of it, also through the wire JSON', async () => {
    const received = await roundTrip(table)
    table.forEach((row, i) => {
      const expected = Schemas[row.kind].parse(row.sample)
      expect(received[i], row.kind).toEqual(expected)
      expect(decodeWireJson(encodeWireJson({ payload: received[i] })), row.kind).toEqual({ payload: expected })
    })
    // Defaults are filled in by the sender's send(), so the receiver reads them.
    expect(received[table.findIndex((r) => r.kind === 'defaultedText')]).toBe('none')
    expect(received[table.findIndex((r) => r.kind === 'defaultedFields')]).toEqual({ note: '', count: 2, tag: null })
  })

  it.each([
    ['refinedNumber', 11, 'Too big'],
    ['refinedText', 'ABC', 'Invalid string'],
    ['pair', ['x', 1.5], 'expected int'],
  ] as const)('keeps what TypeScript cannot say as a check at send(): %s %j', async (kind, value, message) => {
    const rows = table.map((row) => (row.kind === kind ? { ...row, sample: value } : row))
    const outcome = await testSession(PayloadKinds, {
      initiator: (ctx) =>
        PayloadKinds.initiate(ctx, 'Reader', {
          v1: async <S>(first: PayloadKindsV1Writer_SendNullValue<S>) => {
            let s = first as unknown as Sending
            for (const row of rows) s = await s.send(row.sample)
            return (s as unknown as PayloadKindsV1Writer_End<S>).end()
          },
        }),
      responder: PayloadKinds.responder({ v1: async (s) => (await s.receive()).next as never }),
    })
    const reason = outcome.initiator.status === 'rejected' ? (outcome.initiator.reason as Error) : undefined
    expect(reason).toBeInstanceOf(InvalidPayloadError)
    expect(reason?.message).toContain(`the payload for '${kind}' does not match the protocol's schema`)
    expect(reason?.message).toContain(message)
  })
})
