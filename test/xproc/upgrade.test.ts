/**
 * The seed upgrade scenario across OS processes: `colloquy node` processes running the old (Demo v1),
 * new (v1 and v2) and changed (v1 edited without a bump) builds talk over TCP. New pairs use v2; old and
 * new complete on v1 in both directions; the changed v1 is rejected at the handshake naming both hashes;
 * and a v1 flow in flight survives its responder being upgraded to the new build.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { DemoV1Spec } from '../../generated/demo.js'
import type { NodeEvent } from '../../runtime/process/node-events.js'
import { ProcessCluster } from '../../scripts/lib/process-cluster.js'
import { versionSpec } from '../engine/support/family.js'
import { DemoV1Changed } from '../engine/support/upgrade-builds.js'

const app = (build: string) => `test/xproc/apps/demo-${build}.ts`
const send = (id: string, peer: string, amount: number, pauseBeforeReplyMs?: number) => ({
  flow: 'demo.send-amount',
  id,
  args: { peer, amount, ...(pauseBeforeReplyMs ? { pauseBeforeReplyMs } : {}) },
})

const dir = mkdtempSync(path.join(tmpdir(), 'colloquy-xproc-upgrade-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it('old, new and changed builds of Demo in separate processes', async () => {
  const cluster = await ProcessCluster.create(dir, [
    { name: 'NewA', app: app('new'), start: [send('new-to-new', 'NewB', 5), send('new-to-old', 'OldB', 4), send('new-to-changed', 'Changed', 1)] },
    { name: 'NewB', app: app('new') },
    { name: 'OldA', app: app('old'), start: [send('old-to-new', 'NewB', 3), send('in-flight', 'Upgraded', 7, 4000)] },
    { name: 'OldB', app: app('old') },
    { name: 'Changed', app: app('changed'), start: [send('changed-to-new', 'NewB', 1)] },
    { name: 'Upgraded', app: app('old') },
  ])
  const ended = (node: string, flowId?: string) =>
    cluster.waitFor((n, e) => n.name === node && e.event === 'flow-end' && (flowId === undefined || e.flowId === flowId), 60_000, true) as Promise<
      Extract<NodeEvent, { event: 'flow-end' }>
    >
  try {
    for (const name of ['NewB', 'OldB', 'Changed', 'Upgraded']) await cluster.start(name)
    const upgradedGreeted = cluster.waitFor(
      (n, e) => n.name === 'Upgraded' && e.event === 'action' && e.action === 'send' && e.label === 'greeting',
      60_000,
      true,
    )
    await Promise.all([cluster.start('NewA'), cluster.start('OldA')])

    expect((await ended('NewA', 'new-to-new')).result).toEqual({ version: 2, name: 'Hello, you sent 5, Bob', count: 5 })
    expect((await ended('NewA', 'new-to-old')).result).toEqual({ version: 1, name: 'Hello, you sent 4, Bob', count: 4 })
    expect((await ended('OldA', 'old-to-new')).result).toEqual({ version: 1, name: 'Hello, you sent 3, Bob', count: 3 })

    const changedHash = versionSpec(DemoV1Changed).hash
    const fromChanged = await ended('Changed', 'changed-to-new')
    expect(fromChanged.ok).toBe(false)
    expect(fromChanged.error).toContain(`the initiator's definition hash is ${changedHash} but NewB's is ${DemoV1Spec.hash}`)
    const toChanged = await ended('NewA', 'new-to-changed')
    expect(toChanged.ok).toBe(false)
    expect(toChanged.error).toContain(`the initiator's definition hash is ${DemoV1Spec.hash} but Changed's is ${changedHash}`)

    // The responder of a v1 flow is upgraded to the new build while it waits for the reply.
    await upgradedGreeted
    await cluster.stop('Upgraded')
    cluster.setApp('Upgraded', app('new'))
    await cluster.start('Upgraded')
    expect((await ended('OldA', 'in-flight')).result).toEqual({ version: 1, name: 'Hello, you sent 7, Bob', count: 7 })
    expect((await ended('Upgraded')).result).toEqual({ version: 1, amount: 7 })

    const responderResults = (node: string) => cluster.node(node).events.flatMap((e) => (e.event === 'flow-end' && e.kind === 'responder' ? [e.result] : []))
    expect(responderResults('NewB')).toEqual(
      expect.arrayContaining([
        { version: 2, amount: 5 },
        { version: 1, amount: 3 },
      ]),
    )
    expect(responderResults('NewB')).toHaveLength(2)
    expect(responderResults('OldB')).toEqual([{ version: 1, amount: 4 }])
    expect(responderResults('Changed')).toEqual([])
  } finally {
    await cluster.killAll()
  }
}, 180_000)
