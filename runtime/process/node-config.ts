/**
 * node.json: what one node process runs. Relative paths are resolved against the config file's folder,
 * so a folder of configs can be moved as a whole.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import type { PeerQuotas } from '../engine/peer-quotas.js'
import type { SourceLocation } from '../protocol/dsl/call-site.js'
import { ColloquyError } from '../protocol/errors/colloquy-error.js'
import { PARTY_NAME_RULE, partyNameProblem } from '../protocol/party-name.js'
import { type NatsSettings, natsSettingsSchema } from '../transport-nats/nats-network-options.js'
import { type ExplorerConfig, ExplorerSectionSchema, resolveExplorerConfig } from '../explorer/explorer-config.js'
import { type RpcConfig, RpcSectionSchema, resolveRpcConfig } from '../rpc/rpc-config.js'
import { type WorkerSettings, workerSettings, workerSettingsSchema } from '../workers/worker-settings.js'

const StartEntry = z.strictObject({
  /** Name of a flow the app registers. */
  flow: z.string().min(1),
  /** The flow's id: a flow with this id runs once, however often the node starts. */
  id: z.string().min(1),
  args: z.unknown().optional(),
})

/** How the node reaches its peers: TCP (the default, on `listen`) or a NATS JetStream broker. */
const NetworkSection = z.discriminatedUnion('transport', [
  z.strictObject({ transport: z.literal('tcp') }),
  natsSettingsSchema.extend({ transport: z.literal('nats') }),
])

/** `transport`, the issue's spelling of `network`: "tcp", or `{ nats: "<url>", ...settings }`. */
const TransportSection = z.union([z.literal('tcp'), natsSettingsSchema.omit({ url: true }).extend({ nats: z.string().min(1) })])

/** `store`: a SQLite file path, or a PostgreSQL database and the schema holding the node's tables. */
const StoreSection = z.union([
  z.string().min(1),
  z.strictObject({
    postgres: z.string().regex(/^postgres(ql)?:\/\//, 'must be a URL postgres://user@host:port/database'),
    schema: z.string().min(1).max(63).optional(),
    /** This process is one of the node's worker processes on that schema (docs/scale-out.md). */
    workers: z.union([z.literal(true), workerSettingsSchema.partial()]).optional(),
  }),
])

/** node.json's `network`: TCP on `listen`, or a NATS JetStream broker with its settings (defaults filled in). */
export type NodeNetworkConfig = { readonly transport: 'tcp' } | ({ readonly transport: 'nats' } & NatsSettings)

const NodeConfigSchema = z.strictObject({
  name: z.string().superRefine((name, ctx) => {
    const problem = partyNameProblem(name)
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(name)} ${problem}; ${PARTY_NAME_RULE}` })
  }),
  store: StoreSection.optional(),
  /** The older spelling of `store` for a SQLite file. */
  database: z.string().min(1).optional(),
  keyFile: z.string().min(1).optional(),
  listen: z.string().regex(/^[^:\s]+:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:7001'),
  networkMap: z.string().min(1),
  app: z.string().min(1),
  durability: z.enum(['full', 'fast']).optional(),
  drain: z.boolean().optional(),
  maxFrameBytes: z.number().int().positive().optional(),
  redeliverAfterMs: z.number().int().positive().optional(),
  evictIdleAfterMs: z.number().int().nonnegative().optional(),
  /** Sends journal their payload too, so the message history shows it while the flow runs (NodeOptions.keepSentPayloads). */
  keepSentPayloads: z.boolean().optional(),
  /** Per-peer quotas (NodeOptions.quotas); each field optional, safe defaults. */
  quotas: z
    .strictObject({
      maxResponderSessionsPerPeer: z.number().int().positive().optional(),
      responderIdleAfterMs: z.number().int().positive().optional(),
      maxHeldBytesPerSession: z.number().int().positive().optional(),
      maxOutboxPerPeer: z.number().int().positive().optional(),
      peerSilenceAfterMs: z.number().int().positive().optional(),
    })
    .optional(),
  start: z.array(StartEntry).optional(),
  network: NetworkSection.optional(),
  transport: TransportSection.optional(),
  /** The RPC endpoint and its users (runtime/rpc/rpc-config.ts); without it the node takes no RPC. */
  rpc: RpcSectionSchema.optional(),
  /** The Explorer web page (runtime/explorer/explorer-config.ts); it reaches the node through `rpc`. */
  explorer: ExplorerSectionSchema.optional(),
})

export type StartRequest = z.infer<typeof StartEntry>

export interface NodeConfig {
  readonly file: string
  readonly name: string
  /** A SQLite file path (absolute, or ':memory:'), or a PostgreSQL database and schema (default `colloquy`). */
  readonly store: string | { readonly postgres: string; readonly schema: string; readonly workers?: true | Partial<WorkerSettings> }
  readonly keyFile: string
  readonly listen: { readonly host: string; readonly port: number }
  readonly networkMap: string
  readonly app: string
  readonly durability: 'full' | 'fast'
  readonly drain: boolean
  readonly maxFrameBytes: number | undefined
  readonly redeliverAfterMs: number | undefined
  readonly evictIdleAfterMs: number | undefined
  readonly keepSentPayloads: boolean
  readonly quotas: PeerQuotas
  readonly start: readonly StartRequest[]
  readonly network: NodeNetworkConfig
  readonly rpc: RpcConfig | undefined
  readonly explorer: ExplorerConfig | undefined
}

/** node.json cannot be read, is not JSON, misses or mistypes a field, or names something the app lacks. */
export class NodeConfigError extends ColloquyError {
  override readonly name = 'NodeConfigError'
  readonly code = 'NODE_CONFIG'
}

export function readNodeConfig(file: string): NodeConfig {
  const absolute = path.resolve(file)
  let text: string
  try {
    text = readFileSync(absolute, 'utf8')
  } catch (error) {
    throw new NodeConfigError(
      `${file}: cannot read the node config (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); pass the path of a node.json with --config.`,
    )
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    const at = jsonErrorLocation(absolute, text, error as Error)
    throw new NodeConfigError(`${file}:${at.line}:${at.column}: the node config is not valid JSON (${(error as Error).message}); fix the syntax.`, {
      location: at,
    })
  }
  const parsed = NodeConfigSchema.safeParse(raw)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`).join('; ')
    throw new NodeConfigError(
      `${file}:1:1: the node config is invalid: ${problems}. Fields: name, store (or database), listen, networkMap, app, and optionally keyFile, durability, drain, maxFrameBytes, redeliverAfterMs, evictIdleAfterMs, keepSentPayloads, quotas, start, network (or transport), rpc, explorer.`,
      { location: { file: absolute, line: 1, column: 1 } },
    )
  }
  const c = parsed.data
  if (c.explorer && !c.rpc)
    throw new NodeConfigError(
      `${file}:1:1: the node config has an explorer section but no rpc section; the Explorer reaches the node through its RPC endpoint, so add "rpc" with its users.`,
      { location: { file: absolute, line: 1, column: 1 } },
    )
  const dir = path.dirname(absolute)
  const at = (p: string) => path.resolve(dir, p)
  const [host, port] = splitAddress(c.listen)
  const store = storeOf(file, c.store, c.database, at)
  const network = networkOf(file, c.network, c.transport)
  return {
    file: absolute,
    name: c.name,
    store,
    keyFile: c.keyFile ? at(c.keyFile) : `${typeof store !== 'string' || store === ':memory:' ? at(c.name) : store}.key`,
    listen: { host, port },
    networkMap: at(c.networkMap),
    app: at(c.app),
    durability: c.durability ?? 'full',
    drain: c.drain ?? false,
    maxFrameBytes: c.maxFrameBytes,
    redeliverAfterMs: c.redeliverAfterMs,
    evictIdleAfterMs: c.evictIdleAfterMs,
    keepSentPayloads: c.keepSentPayloads ?? false,
    quotas: c.quotas ?? {},
    start: c.start ?? [],
    network,
    rpc: c.rpc ? resolveRpcConfig(c.rpc, dir) : undefined,
    explorer: c.explorer ? resolveExplorerConfig(c.explorer, dir) : undefined,
  }
}

type Parsed = z.infer<typeof NodeConfigSchema>

/** `store`, or its older spelling `database`: exactly one of them. */
function storeOf(file: string, store: Parsed['store'], database: Parsed['database'], at: (p: string) => string): NodeConfig['store'] {
  if (store !== undefined && database !== undefined) {
    throw new NodeConfigError(
      `${file}: the node config names its store twice, as \`store\` and as \`database\` (the older spelling of a SQLite store); keep \`store\` and remove \`database\`.`,
    )
  }
  const given = store ?? database
  if (given === undefined) {
    throw new NodeConfigError(
      `${file}: the node config has no store; add \`"store": "node.db"\` for a SQLite file, or \`"store": { "postgres": "postgres://user@host:5432/db" }\` for PostgreSQL.`,
    )
  }
  if (typeof given !== 'string') {
    const workers = given.workers === undefined ? {} : { workers: given.workers === true ? (true as const) : workerSettings(given.workers) }
    return { postgres: given.postgres, schema: given.schema ?? 'colloquy', ...workers }
  }
  return given === ':memory:' ? given : at(given)
}

/** `network`, or the same as `transport` ("tcp" or `{ nats: url }`): at most one of them; TCP when neither. */
function networkOf(file: string, network: Parsed['network'], transport: Parsed['transport']): NodeNetworkConfig {
  if (network !== undefined && transport !== undefined) {
    throw new NodeConfigError(
      `${file}: the node config names its transport twice, as \`network\` and as \`transport\`; keep one of them (\`"transport": { "nats": "<url>" }\` is \`"network": { "transport": "nats", "url": "<url>" }\`).`,
    )
  }
  if (transport === undefined) return network ?? { transport: 'tcp' }
  if (transport === 'tcp') return { transport: 'tcp' }
  const { nats, ...settings } = transport
  return { transport: 'nats', url: nats, ...settings }
}

export function splitAddress(address: string): [string, number] {
  const colon = address.lastIndexOf(':')
  return [address.slice(0, colon), Number(address.slice(colon + 1))]
}

/** Where a JSON.parse failure is, when the message gives a position (else the file's start). */
function jsonErrorLocation(file: string, text: string, error: Error): SourceLocation {
  const position = /position (\d+)/.exec(error.message)
  if (!position) return { file, line: 1, column: 1 }
  const before = text.slice(0, Number(position[1]))
  const lines = before.split('\n')
  return { file, line: lines.length, column: lines[lines.length - 1]!.length + 1 }
}
