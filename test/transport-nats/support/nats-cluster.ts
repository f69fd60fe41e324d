/**
 * Nodes in one test process that talk through the NATS JetStream broker of this machine (NATS_URL, else
 * nats://127.0.0.1:4222): each with its own identity, NatsNetwork and SQLite file and an entry in a shared
 * network map. Every cluster has a stream and subject prefix of its own, deleted by `stopAll`, so tests
 * never see each other's messages. A node can be taken down (node stopped, network closed: what a dead
 * process leaves) and brought back.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from 'nats'
import { expect } from 'vitest'
import { createNode } from '../../../runtime/create-node.js'
import type { Node, NodeOptions } from '../../../runtime/engine/index.js'
import { NatsNetwork, type NatsNetworkOptions } from '../../../runtime/transport-nats/index.js'
import { type NetworkMap, type NodeIdentity, generateIdentity, parseNetworkMap, publicKeyText } from '../../../runtime/transport/index.js'
import { effects } from '../../engine/support/rounds-flows.js'
import { recordingLogger } from '../../transport/support/tcp-cluster.js'

export const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222'

type NodeSpec = Omit<NodeOptions, 'name' | 'store' | 'network'>
type NetworkSpec = Partial<Omit<NatsNetworkOptions, 'identity' | 'map'>>

export interface NatsMember {
  readonly identity: NodeIdentity
  readonly log: ReturnType<typeof recordingLogger>
  network: NatsNetwork | undefined
  node: Node | undefined
}

export class NatsCluster {
  readonly dir = mkdtempSync(join(tmpdir(), 'colloquy-nats-'))
  readonly members = new Map<string, NatsMember>()
  readonly stream = `TEST_${randomBytes(6).toString('hex')}`
  readonly subjectPrefix = `test.${randomBytes(6).toString('hex')}`
  map!: NetworkMap
  private readonly specs = new Map<string, { node: NodeSpec; network: NetworkSpec }>()
  /** Networks started on their own (`network`), closed by `stopAll`. */
  private readonly loose: NatsNetwork[] = []

  constructor(readonly url = natsUrl) {}

  /** Gives every name an identity and writes the map all nodes share (the addresses are not used). */
  static create(names: readonly string[], url?: string): NatsCluster {
    const cluster = new NatsCluster(url)
    const parties = names.map((name, i) => {
      const identity = generateIdentity(name)
      cluster.members.set(name, { identity, log: recordingLogger(), network: undefined, node: undefined })
      return { name, address: `127.0.0.1:${7000 + i}`, publicKey: publicKeyText(identity) }
    })
    cluster.map = parseNetworkMap({ parties }, 'the test network map')
    return cluster
  }

  member(name: string): NatsMember {
    const member = this.members.get(name)
    if (!member) throw new Error(`no member ${name} in this cluster`)
    return member
  }

  /** The options a member's network starts with. */
  networkOptions(name: string, spec: NetworkSpec = {}): NatsNetworkOptions {
    const member = this.member(name)
    return {
      url: this.url,
      stream: this.stream,
      subjectPrefix: this.subjectPrefix,
      logger: member.log,
      ackWaitMs: 2_000,
      retryDeliverAfterMs: 50,
      ...spec,
      identity: member.identity,
      map: this.map,
    }
  }

  /** A network of the member without a node (tests give it an endpoint of their own); `options` replace the defaults. */
  async network(name: string, options: Partial<NatsNetworkOptions> = {}): Promise<NatsNetwork> {
    const network = await NatsNetwork.start({ ...this.networkOptions(name), ...options })
    this.loose.push(network)
    return network
  }

  /** Starts the member's network and node (again, after `down`, with the same spec unless given). */
  async up(name: string, node?: NodeSpec, network?: NetworkSpec): Promise<Node> {
    const member = this.member(name)
    const spec = { node: node ?? this.specs.get(name)?.node ?? {}, network: network ?? this.specs.get(name)?.network ?? {} }
    this.specs.set(name, spec)
    member.network = await NatsNetwork.start(this.networkOptions(name, spec.network))
    member.node = await createNode({ redeliverAfterMs: 100, logger: member.log, ...spec.node, name, store: this.dbFile(name), network: member.network })
    return member.node
  }

  /** What a process exit leaves: the node stops and its connection closes. */
  async down(name: string): Promise<void> {
    const member = this.member(name)
    await member.node?.stop()
    await member.network?.close()
    member.node = undefined
    member.network = undefined
  }

  dbFile(name: string): string {
    return join(this.dir, `${name}.db`)
  }

  /** How many messages the cluster's stream holds now. */
  async streamMessages(): Promise<number> {
    const connection = await connect({ servers: this.url })
    try {
      return (await (await connection.jetstreamManager()).streams.info(this.stream)).state.messages
    } finally {
      await connection.close()
    }
  }

  async stopAll(): Promise<void> {
    for (const network of this.loose.splice(0)) await network.close()
    for (const name of this.members.keys()) await this.down(name)
    await deleteStream(this.url, this.stream)
    rmSync(this.dir, { recursive: true, force: true })
  }
}

/** Deletes a stream (and its consumers) if it exists. */
/** Each step of the Rounds flows started with `starts` ran once (rounds-flows.ts counts them). */
export function expectEachStepOnce(starts: readonly number[]): void {
  for (const n of starts) {
    for (const step of [`answerer-plus-${n}`, `asker-double-${n}`, `asker-total-${n}`]) expect(effects.get(step), step).toBe(1)
  }
}

export async function deleteStream(url: string, stream: string): Promise<void> {
  const connection = await connect({ servers: url })
  try {
    const jsm = await connection.jetstreamManager()
    await jsm.streams.delete(stream).catch(() => false)
  } finally {
    await connection.close()
  }
}
