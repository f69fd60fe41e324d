/**
 * A password for the command line, never from its arguments (they show in `ps` and shell history): typed
 * at a terminal without echo, or read from standard input when it is not a terminal (`echo pw | colloquy ...`).
 */
import { UsageError } from '../protocol/errors/usage-error.js'

export async function readPassword(prompt: string, options: { readonly confirm?: boolean } = {}): Promise<string> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = []
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
    const password = Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '')
    if (password === '') throw new UsageError('no password on standard input; pipe one in, or run the command at a terminal to be asked for it.')
    return password
  }
  const first = await promptHidden(prompt)
  if (first === '') throw new UsageError('the password is empty; type one.')
  if (options.confirm && (await promptHidden('Repeat it: ')) !== first) throw new UsageError('the two passwords differ; run the command again.')
  return first
}

function promptHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin
    process.stderr.write(prompt)
    stdin.setRawMode(true)
    stdin.resume()
    let typed = ''
    const done = (outcome: () => void) => {
      stdin.setRawMode(false)
      stdin.pause()
      stdin.off('data', onData)
      process.stderr.write('\n')
      outcome()
    }
    const onData = (data: Buffer) => {
      for (const char of data.toString('utf8')) {
        if (char === '\r' || char === '\n') return done(() => resolve(typed))
        if (char === '\u0003') return done(() => reject(new UsageError('cancelled.')))
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1)
        else typed += char
      }
    }
    stdin.on('data', onData)
  })
}
