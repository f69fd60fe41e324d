/**
 * A flow's messages over RPC (`flowMessages`): the history with its payloads for a user granted
 * InvokeRpc.flowMessages, tagged JSON keeping the payload's values; refused (and logged) for a user who may
 * see the flow's status but not its payloads; an answer more than a client reads fails with RpcAnswerTooLargeError; FlowNotFoundError rebuilt as its class for an unknown flow.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { z } from 'zod'
import { echoer } from '../../examples/echo-flows.js'
import { Echo } from '../../generated/echo.js'
import { createNode } from '../../runtime/create-node.js'
import { FlowNotFoundError, type Node, flow } from '../../runtime/engine/index.js'
import { InMemoryNetwork } from '../../runtime/network/index.js'
import { connect } from '../../runtime/rpc/client/connect.js'
import type { RpcClient } from '../../runtime/rpc/client/rpc-client-api.js'
import { hashPassword } from '../../runtime/rpc/password-hash.js'
import { RpcAnswerTooLargeError, RpcPermissionError } from '../../runtime/rpc/rpc-errors.js'
import { RpcServer } from '../../runtime/rpc/rpc-server.js'

/** Pings `rounds` times with a text (once by default), then waits for `go`: its session stays in the store meanwhile. */
const pingOnce = flow('ping-once', z.object({ text: z.string(), rounds: z.number().optional() }), (ctx, args) =>
  Echo.initiate(ctx, 'Desk', {
    v1: async (s) => {
      let state = s
      for (let round = 0; round < (args.rounds ?? 1); round++)
        state = (await (await (await state.choose('ping')).send({ round: round + 7, text: args.text })).receive()).next
      await ctx.waitFor('go', z.null())
      return (await state.choose('done')).end(args.text)
    },
  }),
)

/** Starts `pingOnce` and resolves once it waits for `go`. */
async function pingedAndWaiting(args: { text: string; rounds?: number }) {
  const handle = ops.startFlow(pingOnce, args)
  while ((await ops.flowStatus(handle.flowId))?.waitingFor?.kind !== 'event') await new Promise((resolve) => setTimeout(resolve, 5))
  return handle
}

const dir = mkdtempSync(path.join(tmpdir(), 'colloquy-rpc-messages-'))
const logs: { message: string; fields?: Record<string, unknown> }[] = []
let desk: Node
let ops: Node
let server: RpcServer
const clients: RpcClient[] = []

beforeAll(async () => {
  const network = new InMemoryNetwork()
  const silent = { info() {}, warn() {}, error() {} }
  desk = await createNode({ name: 'Desk', store: path.join(dir, 'desk.db'), network, responders: [echoer()], logger: silent })
  ops = await createNode({ name: 'Ops', store: path.join(dir, 'ops.db'), network, flows: [pingOnce], protocols: [Echo], logger: silent })
  const user = async (name: string, permissions: string[]) => ({ name, passwordHash: await hashPassword(`${name}-pw`), permissions })
  const users = [await user('auditor', ['InvokeRpc.flowMessages']), await user('viewer', ['InvokeRpc.flowStatus'])]
  const record = (message: string, fields?: Record<string, unknown>) => void logs.push({ message, ...(fields ? { fields } : {}) })
  server = await RpcServer.start({ node: ops, listen: { host: '127.0.0.1', port: 0 }, users, logger: { info: record, warn: record, error: record } })
})

afterAll(async () => {
  for (const client of clients) client.close()
  await server.close()
  await ops.stop()
  await desk.stop()
  rmSync(dir, { recursive: true, force: true })
})

async function client(user: string): Promise<RpcClient> {
  const connected = await connect({ url: server.url, user, password: `${user}-pw` })
  clients.push(connected)
  return connected
}

it('answers the history with its payloads to a user granted InvokeRpc.flowMessages, and refuses it to one who may only see status', async () => {
  const handle = await pingedAndWaiting({ text: 'quarterly figures' })

  const auditor = await client('auditor')
  const history = await auditor.flowMessages(handle.flowId)
  expect(history.finished).toBe(false)
  expect(history.messages.map((m) => [m.direction, m.kind, m.label])).toEqual([
    ['sent', 'choice', 'next'],
    ['sent', 'data', 'ping'],
    ['received', 'data', 'echo'],
  ])
  expect(history.messages[2]).toMatchObject({ counterparty: 'Desk', protocol: 'Echo', version: 1, payload: { round: 7, text: 'quarterly figures' } })
  const unknown = auditor.flowMessages('no-such-flow')
  await expect(unknown).rejects.toBeInstanceOf(FlowNotFoundError)
  await expect(unknown).rejects.toThrow(/^Node Ops has no flow no-such-flow/)

  const viewer = await client('viewer')
  expect((await viewer.flowStatus(handle.flowId))?.status).toBe('running')
  const refused = await viewer.flowMessages(handle.flowId).catch((e: unknown) => e)
  expect(refused).toBeInstanceOf(RpcPermissionError)
  expect((refused as RpcPermissionError).permission).toBe('InvokeRpc.flowMessages')
  expect(logs.filter((l) => l.message === 'RPC request refused: permission missing').map((l) => l.fields?.user)).toEqual(['viewer'])

  await ops.signal(handle.flowId, 'go', null)
  await expect(handle.result).resolves.toBe('quarterly figures')
})

it('fails the request with RpcAnswerTooLargeError, not a dropped connection, when the history is more than a client reads', async () => {
  const auditor = await client('auditor')
  let changes = 0
  auditor.onConnectionChange(() => changes++)
  // Eight echoes of 600,000 characters kept in the inbox: over the 4 MiB an RPC frame carries. One of 1.1 million: over the string limit.
  for (const [args, problem] of [
    [{ text: 'x'.repeat(600_000), rounds: 8 }, /it is 4\.\d MiB, more than the 4\.0 MiB an RPC frame carries/],
    [{ text: 'y'.repeat(1_100_000) }, /a client cannot read it \(.*string/],
  ] as const) {
    const handle = await pingedAndWaiting(args)
    const refused = await auditor.flowMessages(handle.flowId).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(RpcAnswerTooLargeError)
    expect((refused as Error).message).toMatch(/^The node's answer to flowMessages was not sent: /)
    expect((refused as Error).message).toMatch(problem)
    await ops.killFlow(handle.flowId)
  }
  expect(changes).toBe(0) // the connection stayed up, and still answers
  expect(await auditor.flowMessages('no-such-flow').catch((e: unknown) => (e as Error).name)).toBe('FlowNotFoundError')
  expect(logs.filter((l) => l.message === 'RPC answer not sent: too large').map((l) => l.fields?.operation)).toEqual(['flowMessages', 'flowMessages'])
})
