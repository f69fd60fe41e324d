/**
 * Finding fingerprints: the same break keeps its fingerprint when lines move, other steps or versions change
 * or the wording does; a different break (another rule, step, field, branch, error or version) gets another.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { compareVersions } from '../../../generator/compat/compare.js'
import { snapshotOf } from '../../../generator/compat/snapshot.js'
import type { CompatFinding } from '../../../generator/compat/types.js'
import { fingerprintOf } from '../../../generator/lock/finding-fingerprint.js'
import { type AnyProtocol, protocol } from '../../../runtime/protocol/index.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const compared = (locked: AnyProtocol, current: AnyProtocol): CompatFinding[] => compareVersions(snapshotOf(locked, root), snapshotOf(current, root))
const prints = (locked: AnyProtocol, current: AnyProtocol): string[] => compared(locked, current).map((f) => `${f.rule} ${fingerprintOf(f)}`)

const shop = (version = 1) => protocol('Shop', { version, initiator: 'Buyer', responder: 'Seller' })
const order = z.object({ sku: z.string(), quantity: z.number().int() })

describe('fingerprintOf', () => {
  it('is 16 hex digits, and the same for the same break written on other lines', () => {
    const locked = shop().send('order', order).receive('price', z.number()).end()
    const current = shop().send('order', order).receive('price', z.string()).end()
    // The same definitions, written with the steps spread over other lines.
    const moved = shop()
      .send('order', order)

      .receive('price', z.string())
      .end()
    const [finding] = compared(locked, current)
    const [again] = compared(locked, moved)
    expect(finding!.current!.line).not.toBe(again!.current!.line)
    expect(fingerprintOf(finding!)).toMatch(/^[0-9a-f]{16}$/)
    expect(fingerprintOf(again!)).toBe(fingerprintOf(finding!))
    expect(finding!.subject).toEqual({ protocol: 'Shop', version: 1, step: '1', detail: '' })
  })

  it('ignores the message wording: only the rule and the subject enter it', () => {
    const [finding] = compared(shop().send('a', z.number()).end(), shop().send('a', z.string()).end())
    const reworded: CompatFinding = { ...finding!, message: 'reworded', remedy: 'reworded too' }
    expect(fingerprintOf(reworded)).toBe(fingerprintOf(finding!))
    expect(fingerprintOf({ ...finding!, rule: 'STEP_RENAMED' })).not.toBe(fingerprintOf(finding!))
  })

  it('keeps the fingerprint of a break when another step changes too, and gives the new break its own', () => {
    const locked = shop().send('order', order).receive('price', z.number()).send('confirm', z.boolean()).end()
    const one = shop().send('order', order).receive('price', z.string()).send('confirm', z.boolean()).end()
    const two = shop().send('order', order).receive('price', z.string()).send('confirm', z.string()).end()
    const [first] = prints(locked, one)
    const both = prints(locked, two)
    expect(both).toHaveLength(2)
    expect(both).toContain(first)
    expect(new Set(both).size).toBe(2)
  })

  it('tells apart fields of one payload, branches of one choice and declared errors', () => {
    const wider = z.object({ sku: z.string(), quantity: z.number().int(), note: z.string(), gift: z.boolean() })
    const fields = prints(shop().send('order', order).end(), shop().send('order', wider).end())
    expect(fields.map((p) => p.split(' ')[0])).toEqual(['PAYLOAD_REQUIRED_FIELD_ADDED', 'PAYLOAD_REQUIRED_FIELD_ADDED'])
    expect(new Set(fields).size).toBe(2)

    const chooser = (branches: Record<string, (p: never) => never>) =>
      shop()
        .choose('decision', branches as never)
        .end()
    const pass = (p: never) => p
    const branches = prints(chooser({ yes: pass }), chooser({ yes: pass, no: pass, later: pass }))
    expect(branches.map((p) => p.split(' ')[0])).toEqual(['CHOICE_BRANCH_ADDED', 'CHOICE_BRANCH_ADDED'])
    expect(new Set(branches).size).toBe(2)

    const plain = shop().send('a', z.string()).end()
    const withErrors = shop()
      .errors({ OutOfStock: z.object({}), Closed: z.object({}) })
      .send('a', z.string())
      .end()
    const errors = prints(plain, withErrors)
    expect(errors.map((p) => p.split(' ')[0])).toEqual(['ERROR_ADDED', 'ERROR_ADDED'])
    expect(new Set(errors).size).toBe(2)
  })

  it('differs between versions and protocols for the same change', () => {
    const a = prints(shop(1).send('a', z.number()).end(), shop(1).send('a', z.string()).end())
    const b = prints(shop(2).send('a', z.number()).end(), shop(2).send('a', z.string()).end())
    const other = (v: z.ZodType) => protocol('Till', { version: 1, initiator: 'Buyer', responder: 'Seller' }).send('a', v).end()
    const c = prints(other(z.number()), other(z.string()))
    expect(new Set([...a, ...b, ...c]).size).toBe(3)
  })
})
