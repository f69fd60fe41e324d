/**
 * The writer/reader JSON Schema comparison on its own, on the zod output schemas protocols record
 * (converted as the IR converts them).
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { type SchemaGap, schemaGaps } from '../../../generator/compat/compare-schema.js'
import type { JsonSchema } from '../../../runtime/protocol/ir/protocol-ir.js'

function json(schema: z.ZodType): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { unrepresentable: 'throw', io: 'output' }) as Record<string, unknown>
  return rest
}

/** Gaps when `writer`'s values are read with `reader`, as `path kind: writer -> reader`. */
function gaps(writer: z.ZodType, reader: z.ZodType): string[] {
  return schemaGaps(json(writer), json(reader)).map(show)
}

function show(gap: SchemaGap): string {
  return `${gap.path || '(payload)'} ${gap.kind}: ${gap.writer} -> ${gap.reader}`
}

describe('schemaGaps', () => {
  it('finds nothing between equal schemas', () => {
    const schema = z.object({ name: z.string().min(1), tags: z.array(z.enum(['a', 'b'])), at: z.number().int().nullable() })
    expect(gaps(schema, schema)).toEqual([])
  })

  it('accepts an optional field added or removed either way (readers drop unknown keys)', () => {
    const before = z.object({ name: z.string() })
    const after = z.object({ name: z.string(), note: z.string().optional() })
    expect(gaps(before, after)).toEqual([])
    expect(gaps(after, before)).toEqual([])
  })

  it('reports a required field the writer does not declare, and a field it may leave out', () => {
    expect(gaps(z.object({ name: z.string() }), z.object({ name: z.string(), count: z.number() }))).toEqual(['count field-absent: no such field -> required'])
    expect(gaps(z.object({ note: z.string().optional() }), z.object({ note: z.string() }))).toEqual(['note field-optional: optional -> required'])
    expect(gaps(z.object({ note: z.string() }), z.object({ note: z.string().optional() }))).toEqual([])
  })

  it('treats a field with a default as always sent', () => {
    expect(gaps(z.object({ mode: z.string().default('fast') }), z.object({ mode: z.string() }))).toEqual([])
  })

  it('reports disjoint types as a type change, and overlapping ones as a constraint', () => {
    expect(gaps(z.number().int(), z.string())).toEqual(['(payload) type: integer -> string'])
    expect(gaps(z.union([z.string(), z.number()]), z.string())).toEqual(['(payload) constraint: string or number -> string'])
  })

  it('lets an integer writer fit a number reader, but not the reverse, without noise from implicit integer bounds', () => {
    expect(gaps(z.number().int(), z.number())).toEqual([])
    expect(gaps(z.number(), z.number().int())).toEqual(['(payload) constraint: number -> integer'])
    expect(gaps(z.number().int(), z.number().int().max(100))).toEqual(['(payload) constraint: no maximum -> at most 100'])
  })

  it('compares inclusive and exclusive bounds', () => {
    expect(gaps(z.number().gt(0), z.number().gte(0))).toEqual([])
    expect(gaps(z.number().gte(0), z.number().gt(0))).toEqual(['(payload) constraint: at least 0 -> more than 0'])
    expect(gaps(z.number().lt(10), z.number().lte(10))).toEqual([])
    expect(gaps(z.number().multipleOf(10), z.number().multipleOf(5))).toEqual([])
    expect(gaps(z.number().multipleOf(5), z.number().multipleOf(10))).toEqual(['(payload) constraint: a multiple of 5 -> a multiple of 10'])
  })

  it('compares string lengths, patterns and formats (a format is one gap, not also its pattern)', () => {
    expect(gaps(z.string().max(10), z.string().max(5))).toEqual(['(payload) constraint: at most 10 characters -> at most 5 characters'])
    expect(gaps(z.string().regex(/^a/), z.string())).toEqual([])
    expect(gaps(z.string(), z.string().regex(/^a/))).toEqual(['(payload) constraint: any text -> text matching /^a/'])
    expect(gaps(z.string().regex(/^a/), z.string().regex(/^a/).email())).toEqual(['(payload) constraint: any text -> format email'])
  })

  it('reports nullability: a nullable writer against a non-null reader, for scalars and objects', () => {
    expect(gaps(z.string().nullable(), z.string())).toEqual(['(payload) constraint: string or null -> string'])
    expect(gaps(z.string(), z.string().nullable())).toEqual([])
    const point = z.object({ x: z.number() })
    expect(gaps(point.nullable(), point)).toEqual(['(payload) constraint: object or null -> object'])
    expect(gaps(point, point.nullable())).toEqual([])
  })

  it('reports enum and literal values the reader does not list', () => {
    const [gap] = schemaGaps(json(z.enum(['buy', 'sell', 'hold'])), json(z.enum(['buy', 'sell'])))
    expect(gap).toMatchObject({ kind: 'value', values: ['hold'] })
    expect(gaps(z.enum(['buy', 'sell']), z.enum(['buy', 'sell', 'hold']))).toEqual([])
    expect(gaps(z.literal('a'), z.literal('b'))).toEqual(["(payload) value: 'a' -> 'b'"])
    expect(gaps(z.enum(['a', 'b']), z.string())).toEqual([])
    expect(gaps(z.string(), z.enum(['a', 'b']))).toEqual(["(payload) constraint: any string -> one of 'a', 'b'"])
  })

  it('judges a discriminated union by its closest alternative, and a new alternative as a widening', () => {
    const before = z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('cash'), amount: z.number() }),
      z.object({ kind: z.literal('card'), last4: z.string() }),
    ])
    const changed = z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('cash'), amount: z.string() }),
      z.object({ kind: z.literal('card'), last4: z.string() }),
    ])
    expect(gaps(before, changed)).toEqual(['amount type: number -> string'])
    const wider = z.discriminatedUnion('kind', [...before.options, z.object({ kind: z.literal('voucher'), code: z.string() })])
    expect(gaps(before, wider)).toEqual([])
    expect(gaps(wider, before)).toEqual([
      "(payload) constraint: object with kind 'cash', object with kind 'card' or object with kind 'voucher' -> object with kind 'cash' or object with kind 'card'",
    ])
    // Inside an object, the union is a field; a removed alternative is the reverse gap.
    expect(gaps(z.object({ payment: before }), z.object({ payment: wider }))).toEqual([])
    expect(gaps(z.object({ payment: wider }), z.object({ payment: before }))).toHaveLength(1)
    expect(gaps(z.object({ payment: wider }), z.object({ payment: before }))[0]).toMatch(/^payment constraint: /)
  })

  it('follows arrays, tuples and nested objects, naming the field path', () => {
    const order = (sku: z.ZodString) => z.object({ lines: z.array(z.object({ sku, qty: z.number() })) })
    expect(gaps(order(z.string()), order(z.string().min(3)))).toEqual(['lines[].sku constraint: any number of characters -> at least 3 characters'])
    expect(gaps(z.tuple([z.string(), z.number()]), z.tuple([z.string(), z.string()]))).toEqual(['[1] type: number -> string'])
    expect(gaps(z.array(z.string()).max(3), z.array(z.string()).max(2))).toEqual(['(payload) constraint: at most 3 items -> at most 2 items'])
    expect(gaps(z.object({ a: z.object({ b: z.object({ c: z.boolean() }) }) }), z.object({ a: z.object({ b: z.object({ c: z.string() }) }) }))).toEqual([
      'a.b.c type: boolean -> string',
    ])
  })

  it('checks record values and the extra keys of a loose writer', () => {
    expect(gaps(z.record(z.string(), z.number()), z.record(z.string(), z.string()))).toEqual(['* type: number -> string'])
    expect(gaps(z.object({ prices: z.record(z.string(), z.number()) }), z.object({ prices: z.record(z.string(), z.number().int()) }))).toEqual([
      'prices.* constraint: number -> integer',
    ])
    // A loose writer may send anything under `note`, which this reader checks.
    expect(gaps(z.looseObject({ id: z.string() }), z.object({ id: z.string(), note: z.string().optional() }))).toEqual(['note constraint: any value -> string'])
    expect(gaps(z.object({ id: z.string() }), z.object({ id: z.string(), note: z.string().optional() }))).toEqual([])
  })

  it('follows $ref into $defs and stops at recursion', () => {
    const Inner = z.object({ x: z.string() }).meta({ id: 'Inner' })
    const Changed = z.object({ x: z.number() }).meta({ id: 'Inner' })
    const before = json(z.object({ a: Inner, b: Inner }))
    expect(JSON.stringify(before)).toContain('$ref')
    expect(schemaGaps(before, json(z.object({ a: Changed, b: Changed }))).map(show)).toEqual(['a.x type: string -> number', 'b.x type: string -> number'])

    const Tree: z.ZodType = z.object({
      name: z.string(),
      get children() {
        return z.array(Tree)
      },
    })
    const NumberTree: z.ZodType = z.object({
      name: z.number(),
      get children() {
        return z.array(NumberTree)
      },
    })
    expect(gaps(Tree, Tree)).toEqual([])
    expect(gaps(Tree, NumberTree)).toEqual(['name type: string -> number'])
  })

  it('treats an unknown keyword on the reader as a constraint unless the writer has the same', () => {
    expect(schemaGaps({ type: 'object' }, { type: 'object', minProperties: 1 }).map(show)).toEqual([
      '(payload) constraint: no minProperties -> minProperties 1',
    ])
    expect(schemaGaps({ type: 'object', minProperties: 1 }, { type: 'object', minProperties: 1 })).toEqual([])
  })

  it('accepts anything into an unconstrained reader, and reports an unconstrained writer against a typed one', () => {
    expect(gaps(z.string(), z.unknown())).toEqual([])
    expect(gaps(z.unknown(), z.string())).toEqual(['(payload) constraint: any value -> string'])
  })
})
