/**
 * `colloquy rpc-user add --config node.json --user NAME [--permission P]... [--listen HOST:PORT]`: writes an
 * RPC user into the config's `rpc` section with a scrypt hash of a password read from the terminal or
 * standard input (never from the arguments). A user of the same name is replaced. The file is rewritten
 * atomically and checked as a whole node config afterwards.
 */
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { exitCodes } from '../protocol/errors/exit-codes.js'
import { UsageError } from '../protocol/errors/usage-error.js'
import { hashPassword } from '../rpc/password-hash.js'
import { permissionProblem } from '../rpc/permissions.js'
import { NodeConfigError, readNodeConfig } from './node-config.js'
import { readPassword } from './read-password.js'

export const rpcUserHelp = `Usage:
  colloquy rpc-user add --config <node.json> --user <name> [--permission <p>]... [--listen <host:port>]
      Adds (or replaces) an RPC user of the node: the password is asked at the terminal, or read from
      standard input when it is not one; only its scrypt hash is written. Permissions: ALL,
      StartFlow.<flowName>, InvokeRpc.<operation> (startFlow needs StartFlow.<name>; the operations are
      reattachFlow, removeClientId, finishedFlowsWithClientIds, killFlow, listFlows, flowStatus, signal,
      progress, stateMachinesFeed, flowNames). --listen sets the RPC address when the config has no rpc
      section yet (loopback only unless the section gets tls or "allowInsecure": true).
`

export async function rpcUserCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      config: { type: 'string' },
      user: { type: 'string' },
      permission: { type: 'string', multiple: true },
      listen: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  })
  if (values.help) {
    process.stdout.write(rpcUserHelp)
    return exitCodes.ok
  }
  if (positionals[0] !== 'add' || positionals.length !== 1) throw new UsageError(`unknown action '${positionals.join(' ')}'; the action is add.`)
  if (!values.config) throw new UsageError('--config <node.json> is required.')
  if (!values.user) throw new UsageError('--user <name> is required.')
  const permissions = values.permission ?? []
  for (const permission of permissions) {
    const problem = permissionProblem(permission)
    if (problem !== undefined) throw new UsageError(`'${permission}' is not a permission: ${problem}.`)
  }
  readNodeConfig(values.config) // the config must be valid before it is changed
  const raw = JSON.parse(readFileSync(values.config, 'utf8')) as { rpc?: { listen?: string; users?: { name: string }[] } }
  if (!raw.rpc && !values.listen) throw new UsageError(`${values.config} has no rpc section yet; give its address with --listen, e.g. --listen 127.0.0.1:7100.`)
  const password = await readPassword(`Password for RPC user ${values.user}: `, { confirm: true })
  const user = { name: values.user, passwordHash: await hashPassword(password), permissions }
  const rpc = raw.rpc ?? { listen: values.listen }
  if (values.listen) rpc.listen = values.listen
  const others = (rpc.users ?? []).filter((u) => u.name !== values.user)
  const replaced = others.length !== (rpc.users ?? []).length
  raw.rpc = { ...rpc, users: [...others, user] }
  writeAtomically(values.config, `${JSON.stringify(raw, null, 2)}\n`)
  try {
    readNodeConfig(values.config)
  } catch (error) {
    throw new NodeConfigError(`${(error as Error).message} (after adding the user; fix the rpc section by hand)`, { cause: error })
  }
  process.stdout.write(
    `${replaced ? 'Replaced' : 'Added'} RPC user ${values.user} with ${permissions.length ? permissions.join(', ') : 'no permissions'} in ${values.config}.\n`,
  )
  return exitCodes.ok
}

function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`
  writeFileSync(temporary, text, { mode: statSync(file).mode & 0o777 })
  renameSync(temporary, file)
}
