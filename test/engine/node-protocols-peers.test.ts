/**
 * What a node tells operators about its protocols and peers: every declared version with its hash, roles
 * and state table (node.protocols), and each other party's connection, unacknowledged messages and last
 * acknowledgement (node.peers).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { z } from 'zod'
import { echoer, pingPong } from '../../examples/echo-flows.js'
import { Echo } from '../../generated/echo.js'
import { createNode } from '../../runtime/create-node.js'
import { flow } from '../../runtime/engine/index.js'
import { InMemoryNetwork } from '../../runtime/network/index.js'

const dir = mkdtempSync(join(tmpdir(), 'colloquy-peers-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const ECHO_V1 = 'sha256:4bb6f22a3aff4e4446e74d7d4017d72a72aecc8a8a64a3516553737708737656'
const silent = { info() {}, warn() {}, error() {} }
const ping = flow('ping', z.number(), (ctx, rounds) => pingPong(ctx, 'Desk', rounds))

it('lists the declared protocol versions and the peers with their connection and outbox', async () => {
  const network = new InMemoryNetwork()
  const desk = await createNode({ name: 'Desk', store: join(dir, 'desk.db'), network, responders: [echoer()], logger: silent })
  const ops = await createNode({ name: 'Ops', store: join(dir, 'ops.db'), network, flows: [ping], protocols: [Echo], redeliverAfterMs: 60_000, logger: silent })
  expect(ops.protocols()).toEqual([
    {
      protocol: 'Echo',
      version: 1,
      hash: ECHO_V1,
      initiates: true,
      responds: false,
      table: expect.objectContaining({ protocol: 'Echo', version: 1, initiator: 'Caller' }),
    },
  ])
  expect(desk.protocols()).toEqual([{ protocol: 'Echo', version: 1, hash: ECHO_V1, initiates: false, responds: true }])

  expect(ops.peers()).toEqual([{ party: 'Desk', connection: 'connected', outbox: 0 }])
  await expect(ops.startFlow(ping, 1).result).resolves.toMatchObject({ rounds: 1 })
  await ops.committed()
  expect(ops.peers()).toEqual([{ party: 'Desk', connection: 'connected', outbox: 0, lastAcknowledgedAt: expect.any(Number) }])

  await desk.stop()
  const waiting = ops.startFlow(ping, 1)
  await waiting.started
  await new Promise((resolve) => setTimeout(resolve, 50))
  expect(ops.peers()).toMatchObject([{ party: 'Desk', connection: 'down', outbox: 1 }])
  await ops.killFlow(waiting.flowId)
  await ops.stop()
})
