import { z } from 'zod'
import { protocol } from '../runtime/protocol/index.js'

/** A tree of names: a recursive schema, emitted as a type that refers to itself. */
export interface Tree {
  readonly name: string
  readonly children: readonly Tree[]
}
const Tree: z.ZodType<Tree, Tree> = z.object({
  name: z.string(),
  get children() {
    return z.array(Tree).readonly()
  },
})

/**
 * One payload schema of each kind the DSL accepts, by message label. The generated types of each side
 * (what the Writer writes, what the Reader reads) are checked against zod's own input and output types,
 * and every kind is sent and received, by test/generator/payload-types.test.ts and the compile fixture
 * test/types/fixtures/pass/payload-kinds.ts.
 */
export const PayloadKinds = {
  nullValue: z.null(),
  nullableText: z.string().nullable(),
  optionalText: z.string().optional(),
  nullishNumber: z.number().nullish(),
  defaultedText: z.string().default('none'),
  defaultedFields: z.object({ note: z.string().default(''), count: z.number().int().optional(), tag: z.string().nullable().default(null) }),
  textList: z.array(z.string()),
  readonlyList: z.array(z.number()).readonly(),
  pair: z.tuple([z.string(), z.number().int()]),
  headAndRest: z.tuple([z.string()], z.number()),
  textOrNumber: z.union([z.string(), z.number()]),
  shape: z.discriminatedUnion('kind', [z.object({ kind: z.literal('circle'), radius: z.number() }), z.object({ kind: z.literal('square'), side: z.number() })]),
  counts: z.record(z.string(), z.number().int()),
  perLevel: z.record(z.enum(['low', 'high']), z.boolean()),
  somePerLevel: z.partialRecord(z.enum(['low', 'high']), z.boolean()),
  level: z.enum(['low', 'high']),
  greeting: z.literal('hello'),
  answer: z.literal(42),
  flag: z.boolean(),
  anything: z.unknown(),
  strictShape: z.strictObject({ id: z.string() }),
  looseShape: z.looseObject({ id: z.string() }),
  withExtras: z.object({ id: z.string() }).catchall(z.number()),
  merged: z.intersection(z.object({ a: z.string() }), z.object({ b: z.number() })),
  nested: z.object({ outer: z.object({ inner: z.string().optional() }).optional() }),
  frozen: z.object({ id: z.string() }).readonly(),
  refinedNumber: z.number().int().min(1).max(10),
  refinedText: z
    .string()
    .min(2)
    .max(8)
    .regex(/^[a-z]+$/),
  tree: Tree,
}

export const PayloadKindsV1 = protocol('PayloadKinds', { version: 1, initiator: 'Writer', responder: 'Reader' })
  .send('nullValue', PayloadKinds.nullValue)
  .send('nullableText', PayloadKinds.nullableText)
  .send('optionalText', PayloadKinds.optionalText)
  .send('nullishNumber', PayloadKinds.nullishNumber)
  .send('defaultedText', PayloadKinds.defaultedText)
  .send('defaultedFields', PayloadKinds.defaultedFields)
  .send('textList', PayloadKinds.textList)
  .send('readonlyList', PayloadKinds.readonlyList)
  .send('pair', PayloadKinds.pair)
  .send('headAndRest', PayloadKinds.headAndRest)
  .send('textOrNumber', PayloadKinds.textOrNumber)
  .send('shape', PayloadKinds.shape)
  .send('counts', PayloadKinds.counts)
  .send('perLevel', PayloadKinds.perLevel)
  .send('somePerLevel', PayloadKinds.somePerLevel)
  .send('level', PayloadKinds.level)
  .send('greeting', PayloadKinds.greeting)
  .send('answer', PayloadKinds.answer)
  .send('flag', PayloadKinds.flag)
  .send('anything', PayloadKinds.anything)
  .send('strictShape', PayloadKinds.strictShape)
  .send('looseShape', PayloadKinds.looseShape)
  .send('withExtras', PayloadKinds.withExtras)
  .send('merged', PayloadKinds.merged)
  .send('nested', PayloadKinds.nested)
  .send('frozen', PayloadKinds.frozen)
  .send('refinedNumber', PayloadKinds.refinedNumber)
  .send('refinedText', PayloadKinds.refinedText)
  .send('tree', PayloadKinds.tree)
  .end()
