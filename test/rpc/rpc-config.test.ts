/** The rpc section of node.json: loopback by default, TLS or an explicit allowInsecure for anything else, valid users. */
import { describe, expect, it } from 'vitest'
import { hashPassword } from '../../runtime/rpc/password-hash.js'
import { Permissions } from '../../runtime/rpc/permissions.js'
import { RpcSectionSchema, resolveRpcConfig } from '../../runtime/rpc/rpc-config.js'

const messages = (input: unknown) => {
  const parsed = RpcSectionSchema.safeParse(input)
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
}

describe('rpc config', () => {
  it('accepts loopback without TLS and resolves the TLS paths against the config folder', async () => {
    const hash = await hashPassword('pw')
    expect(messages({ listen: '127.0.0.1:7100', users: [{ name: 'ops', passwordHash: hash, permissions: ['ALL'] }] })).toEqual([])
    expect(messages({ listen: '[::1]:7100' })).toEqual([])
    const config = resolveRpcConfig(RpcSectionSchema.parse({ listen: '0.0.0.0:7100', tls: { cert: 'c.pem', key: 'k.pem' } }), '/etc/node')
    expect(config).toEqual({ listen: { host: '0.0.0.0', port: 7100 }, tls: { cert: '/etc/node/c.pem', key: '/etc/node/k.pem' }, users: [] })
  })

  it('refuses a non-loopback address without TLS unless allowInsecure says so', () => {
    expect(messages({ listen: '0.0.0.0:7100' })).toEqual([
      'listen: 0.0.0.0 is not a loopback address: set tls ({ "cert", "key" }) so passwords do not cross the network in clear, or "allowInsecure": true if something else protects the link',
    ])
    expect(messages({ listen: '0.0.0.0:7100', allowInsecure: true })).toEqual([])
  })

  it('refuses plain passwords, unknown permissions and a user listed twice', async () => {
    const hash = await hashPassword('pw')
    const problems = messages({
      listen: '127.0.0.1:7100',
      users: [{ name: 'a', passwordHash: 'pw', permissions: ['InvokeRpc.dropDatabase', 'StartFlow.sell-asset'] }],
    })
    expect(problems).toContain('users.0.passwordHash: must be a scrypt hash as `colloquy rpc-user add` writes it (scrypt$N$r$p$salt$hash)')
    expect(problems.some((p) => p.startsWith('users.0.permissions.0: '))).toBe(true)
    expect(problems.some((p) => p.startsWith('users.0.permissions.1'))).toBe(false)
    const twice = [
      { name: 'a', passwordHash: hash, permissions: [] },
      { name: 'a', passwordHash: hash, permissions: ['ALL'] },
    ]
    expect(messages({ listen: '127.0.0.1:7100', users: twice })).toEqual(["users.1.name: user 'a' is listed twice"])
  })
})

describe('permissions', () => {
  it('names the permission an operation needs: StartFlow.<name> for starts, InvokeRpc.<op> otherwise, ALL for all', () => {
    const some = new Permissions(['StartFlow.sell-asset', 'InvokeRpc.flowStatus'])
    expect(some.missing('startFlow', 'sell-asset')).toBeUndefined()
    expect(some.missing('startFlow', 'buy-asset')).toBe('StartFlow.buy-asset')
    expect(some.missing('flowStatus')).toBeUndefined()
    expect(some.missing('killFlow')).toBe('InvokeRpc.killFlow')
    expect(new Permissions(['ALL']).missing('killFlow')).toBeUndefined()
    expect(new Permissions([]).missing('flowNames')).toBe('InvokeRpc.flowNames')
  })
})
