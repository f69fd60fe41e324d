/**
 * A store that cannot be trusted is refused at start with the evidence, never resumed silently: a file that
 * is not a database or is truncated (naming the file, what is wrong and what to do, with its own exit code),
 * and a store that went backwards behind what it had committed (a lost write-ahead log, an older copy put
 * back, an emptied file), detected through the commit mark kept beside it. Deleting that mark is the
 * operator's deliberate way out, and the refusal names it.
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { createNode } from '../../runtime/create-node.js'
import { flow, type Node } from '../../runtime/engine/index.js'
import { InMemoryNetwork } from '../../runtime/network/index.js'
import { isColloquyError } from '../../runtime/protocol/errors/colloquy-error.js'
import { exitCodeOf, exitCodes } from '../../runtime/protocol/errors/exit-codes.js'
import { eventually } from '../engine/support/cluster.js'

const silent = { info() {}, warn() {}, error() {} }
const dir = mkdtempSync(join(tmpdir(), 'colloquy-store-damage-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const opened: Node[] = []
afterEach(async () => {
  for (const node of opened.splice(0)) await node.stop()
})

const double = flow('double', async (ctx, n: number) => ctx.step('double', () => n * 2))
const park = flow('park', async (ctx, ms: number) => {
  await ctx.sleep(ms)
  return 'woke'
})

async function open(file: string, durability: 'full' | 'fast' = 'full'): Promise<Node> {
  const node = await createNode({
    name: 'Alice',
    store: file,
    durability,
    network: new InMemoryNetwork(),
    flows: [double, park],
    logger: silent,
    keepFinishedFlows: true,
  })
  opened.push(node)
  return node
}

async function refused(file: string): Promise<Error & { code: string }> {
  const error = await open(file).then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  expect(error, 'the node must refuse to open').toBeDefined()
  expect(isColloquyError(error), String(error)).toBe(true)
  return error as Error & { code: string }
}

/** A store with some finished flows (kept outcomes) and one asleep for an hour. */
async function busyStore(file: string, flows = 40): Promise<void> {
  const node = await open(file)
  for (let i = 0; i < flows; i++) await node.startFlow(double, i).result
  await node.startFlow(park, 3_600_000, { flowId: 'asleep' }).started
  await node.stop()
  opened.splice(opened.indexOf(node), 1)
}

const markOf = (file: string) => `${file}-commits`

/** Waits until the commit mark beside `file` records at least `commit`. */
async function markReaches(file: string, commit: number): Promise<void> {
  await eventually(() => existsSync(markOf(file)) && (JSON.parse(readFileSync(markOf(file), 'utf8')) as { commit: number }).commit >= commit, 5000)
}

const markValue = (file: string) => (JSON.parse(readFileSync(markOf(file), 'utf8')) as { commit: number }).commit

describe('a damaged store file', () => {
  it('that is not a database is refused with its path, what is wrong and what to do, and its own exit code', async () => {
    const file = join(dir, 'garbage.db')
    writeFileSync(file, 'this is not a database, it is a shopping list\n'.repeat(200))
    const error = await refused(file)
    expect(error.code).toBe('STORE_CORRUPT')
    expect(error.message).toContain(`The store ${file} cannot be opened: file is not a database`)
    expect(error.message).toContain('Restore it from a backup')
    expect(error.message).toContain('do not delete it')
    expect(exitCodeOf(error, 99)).toBe(exitCodes.storeDamaged)
    expect(exitCodes.storeDamaged).not.toBe(exitCodes.failed)
  })

  it('that was truncated is refused the same way', async () => {
    const file = join(dir, 'truncated.db')
    await busyStore(file)
    truncateSync(file, Math.floor(statSync(file).size / 2))
    const error = await refused(file)
    expect(error.code).toBe('STORE_CORRUPT')
    expect(error.message).toContain(`The store ${file} cannot be opened: database disk image is malformed`)
    expect(error.message).toContain('Restore it from a backup')
    expect(exitCodeOf(error, 99)).toBe(exitCodes.storeDamaged)
  })
})

it('keeps its commit mark within about a second of its commits, and an idle store writes nothing more', async () => {
  const file = join(dir, 'idle.db')
  const node = await open(file)
  for (let i = 0; i < 10; i++) await node.startFlow(double, i).result
  await markReaches(file, 1)
  await new Promise((resolve) => setTimeout(resolve, 1200)) // any raise still due has happened
  const transactions = node.stats.transactions
  const mark = markValue(file)
  await new Promise((resolve) => setTimeout(resolve, 2500))
  expect(node.stats.transactions).toBe(transactions)
  expect(markValue(file)).toBe(mark)
})

it('writes nothing beside its file once node.stop() resolved: a folder removed then stays removed', async () => {
  // Opening marks the store off the event loop; a node stopped at once used to resolve while that write
  // was still to create and rename its temporary file, so removing the folder raced it (ENOTEMPTY).
  for (let i = 0; i < 5; i++) {
    const folder = mkdtempSync(join(dir, 'stopped-'))
    const node = await open(join(folder, 'store.db'))
    await node.stop()
    opened.splice(opened.indexOf(node), 1)
    const files = readdirSync(folder).sort()
    expect(files.filter((name) => name.endsWith('.tmp'))).toEqual([])
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(readdirSync(folder).sort()).toEqual(files)
  }
})

describe('a store that went backwards', () => {
  it.each(['full', 'fast'] as const)(
    'after its write-ahead log was lost is refused with the commit it is at and the one it had reached (durability %s)',
    async (durability) => {
      const file = join(dir, `lost-wal-${durability}.db`)
      await busyStore(file, 3)
      const before = markValue(file)
      const node = await open(file, durability)
      for (let i = 0; i < 20; i++) await node.startFlow(double, i).result
      // The open raised the mark by one, the commits since once more: the database file alone is behind it.
      await markReaches(file, before + 2)
      const reached = markValue(file)
      // The database file alone, as the commits since the node opened are still in its -wal file only.
      copyFileSync(file, `${file}.main-only`)
      node.crash()
      opened.splice(opened.indexOf(node), 1)
      copyFileSync(`${file}.main-only`, file)
      rmSync(`${file}-wal`, { force: true })
      rmSync(`${file}-shm`, { force: true })

      const error = await refused(file)
      expect(error.code).toBe('STORE_ROLLED_BACK')
      expect(error.message).toMatch(
        new RegExp(
          `^The store ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} went backwards: it is at commit \\d+ but had reached at least commit ${reached} at \\S+Z`,
        ),
      )
      expect(error.message).toContain(markOf(file))
      expect(error.message).toContain('Restore the store')
      expect(exitCodeOf(error, 99)).toBe(exitCodes.storeDamaged)
    },
  )

  it('when an older copy was put back is refused; deleting the mark, as the message says, opens it', async () => {
    const file = join(dir, 'restored.db')
    await busyStore(file, 3)
    copyFileSync(file, `${file}.backup`)
    const node = await open(file)
    await node.startFlow(double, 1, { flowId: 'after-backup' }).result
    await node.stop()
    opened.splice(opened.indexOf(node), 1)
    copyFileSync(`${file}.backup`, file)

    const error = await refused(file)
    expect(error.code).toBe('STORE_ROLLED_BACK')
    expect(error.message).toContain(`delete ${markOf(file)}`)

    rmSync(markOf(file))
    const again = await open(file)
    expect(await again.flowStatus('after-backup')).toBeUndefined() // what the operator accepted losing
    expect(await again.flowStatus('asleep')).toMatchObject({ status: 'running' })
  })

  it('emptied is refused and starts nothing', async () => {
    const file = join(dir, 'emptied.db')
    await busyStore(file, 3)
    writeFileSync(file, '')
    const error = await refused(file)
    expect(error.code).toBe('STORE_ROLLED_BACK')
    expect(error.message).toMatch(/it is at commit 0 but had reached at least commit [1-9]/)
    expect(statSync(file).size, 'the refused store is left as it was found').toBe(0)
  })

  it('emptied after its node died within a second of opening is refused: a store is marked from its first open', async () => {
    const file = join(dir, 'killed-early.db')
    const node = await open(file)
    await node.startFlow(double, 1).result
    await markReaches(file, 1) // written just after the open, not a second later
    node.crash() // as kill -9: no close, and before the once-a-second raise
    opened.splice(opened.indexOf(node), 1)
    writeFileSync(file, '')
    rmSync(`${file}-wal`, { force: true })
    const error = await refused(file)
    expect(error.code).toBe('STORE_ROLLED_BACK')
    expect(error.message).toMatch(/it is at commit 0 but had reached at least commit [1-9]/)
  })

  it('deleted outright is refused too, while a new store next to no mark opens', async () => {
    const file = join(dir, 'deleted.db')
    await busyStore(file, 1)
    rmSync(file)
    expect((await refused(file)).code).toBe('STORE_ROLLED_BACK')
    expect(existsSync(file), 'no empty database is created in its place').toBe(false)
    const fresh = await open(join(dir, 'fresh.db'))
    await expect(fresh.startFlow(double, 4).result).resolves.toBe(8)
  })
})
