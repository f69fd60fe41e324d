/**
 * The kit's handler tests: one role against a scripted counterparty. Each piece is shown working on the
 * example handlers and failing, with the script step named, when the handler or the script goes wrong.
 */
import { describe, expect, it } from 'vitest'
import { demoInitiator, demoResponder } from '../../examples/demo-flows.js'
import { Demo } from '../../generated/demo.js'
import { type ResponderRegistration, UnexpectedFlowEndError } from '../../runtime/protocol/index.js'
import { InvalidScriptError, ScriptMismatchError, abort, receive, send, testInitiator, testResponder } from '../../runtime/testing/index.js'

/** A Bob written against the raw channel, to make a handler that breaks the protocol. */
function rawBob(run: ResponderRegistration['run']): ResponderRegistration {
  return { protocol: 'Demo', versions: demoResponder.versions, run }
}

describe('testResponder', () => {
  it('runs a responder against a script and returns its result', async () => {
    const greetings: string[] = []
    const result = await testResponder(Demo, demoResponder, {
      version: 1,
      script: [
        send('amount', 42),
        receive('greeting', (g: string) => greetings.push(g)),
        send('reply', 'Alice'),
        receive('result', (r) => expect(r).toEqual({ name: 'Alice', count: 42 })),
      ],
    })
    expect(result).toBeUndefined()
    expect(greetings).toEqual(['Hello, you sent 42'])
  })

  it('runs the highest version the handler and the protocol declare by default', async () => {
    await testResponder(Demo, demoResponder, {
      script: [send('amount', '7'), receive('greeting', (g) => g === 'Hello, you sent 7'), send('reply', 'x'), receive('result')],
    })
  })

  it("fails naming the step whose check rejected the handler's message", async () => {
    const run = testResponder(Demo, demoResponder, {
      version: 1,
      script: [send('amount', 42), receive('greeting', (g) => expect(g).toBe('Hi')), send('reply', 'x'), receive('result')],
    })
    await expect(run).rejects.toThrow(ScriptMismatchError)
    await expect(run).rejects.toThrow("Script step 2 of 4, receive('greeting'): the check of the handler's 'greeting' failed")
    await expect(run).rejects.toMatchObject({ code: 'SCRIPT_MISMATCH', step: 2 })
  })

  it('fails when a check returns false', async () => {
    const run = testResponder(Demo, demoResponder, { version: 1, script: [send('amount', 1), receive('greeting', () => false)] })
    await expect(run).rejects.toThrow(`Script step 2 of 2, receive('greeting'): the check of the handler's 'greeting' returned false for "Hello, you sent 1".`)
  })

  it('refuses a script out of step with the protocol before the handler sees it', async () => {
    const run = testResponder(Demo, demoResponder, { version: 1, script: [receive('greeting')] })
    await expect(run).rejects.toThrow(InvalidScriptError)
    await expect(run).rejects.toThrow(
      "Script step 1 of 1, receive('greeting'): the protocol has the counterparty send 'amount' here (Demo v1 Alice, step 1 of 4 ('amount')); fix the script's order or labels.",
    )
  })

  it("refuses a scripted payload that does not match the protocol's schema", async () => {
    const run = testResponder(Demo, demoResponder, { version: 1, script: [send('amount', 'forty-two')] })
    await expect(run).rejects.toThrow(InvalidScriptError)
    await expect(run).rejects.toThrow("Script step 1 of 1, send('amount'): the payload does not match the protocol's schema for 'amount'")
  })

  it('refuses a version the handler or the protocol does not declare', async () => {
    await expect(testResponder(Demo, demoResponder, { version: 3, script: [] })).rejects.toThrow(
      'The test asks for Demo v3, which the protocol does not declare (it declares 1-2).',
    )
    const v1Only = Demo.only(1).responder({
      v1: async () => {
        throw new Error('not run: the version check comes first')
      },
    })
    await expect(testResponder(Demo, v1Only, { version: 2, script: [] })).rejects.toThrow(
      'The test asks for Demo v2, but Bob runs 1 only; pick one of those versions.',
    )
  })

  it('checks every frame the handler sends against the protocol: label and order', async () => {
    const bob = rawBob(async (channel) => {
      await channel.receive()
      await channel.send({ kind: 'data', label: 'result', payload: { name: 'x', count: 1 } })
    })
    const run = testResponder(Demo, bob, { version: 1, script: [send('amount', 1), receive('greeting')] })
    await expect(run).rejects.toThrow(
      "Script step 2 of 2, receive('greeting'): the handler sent message 'result', but the protocol expects message 'greeting' here (Demo v1 Alice, step 2 of 4 ('greeting')).",
    )
  })

  it('checks every frame the handler sends against the protocol: payload schema', async () => {
    const bob = rawBob(async (channel) => {
      await channel.receive()
      await channel.send({ kind: 'data', label: 'greeting', payload: 17 })
    })
    const run = testResponder(Demo, bob, { version: 1, script: [send('amount', 1), receive('greeting')] })
    await expect(run).rejects.toThrow("Script step 2 of 2, receive('greeting'): the handler's 'greeting' does not match the protocol's schema")
  })

  it('gives the handler a context no one kills: ctx.isKilled stays false', async () => {
    const bob = rawBob(async (channel, ctx) => {
      await channel.receive()
      return ctx.isKilled
    })
    await expect(testResponder(Demo, bob, { version: 1, script: [send('amount', 1)] })).resolves.toBe(false)
  })

  it('fails when the handler finishes without sending what the script expects', async () => {
    const bob = rawBob(async (channel) => {
      await channel.receive()
      return 'gave up'
    })
    const run = testResponder(Demo, bob, { version: 1, script: [send('amount', 1), receive('greeting')] })
    await expect(run).rejects.toThrow(
      `Script step 2 of 2, receive('greeting'): the handler finished (with "gave up") without sending what the script expects, receive('greeting').`,
    )
  })

  it('fails when the handler returns without reading what the script sent', async () => {
    const bob = rawBob(async () => 'ignored everything')
    const run = testResponder(Demo, bob, { version: 1, script: [send('amount', 1)] })
    await expect(run).rejects.toThrow("Script step 1 of 1, send('amount'): the handler returned without receiving message 'amount'.")
  })

  it('fails, instead of hanging, when the handler waits past the end of the script', async () => {
    const run = testResponder(Demo, demoResponder, { version: 1, script: [send('amount', 1), receive('greeting')] })
    await expect(run).rejects.toThrow(ScriptMismatchError)
    await expect(run).rejects.toThrow(
      "The script ended after step 2 of 2, receive('greeting'), but the handler went on to wait for Alice: next the protocol has the counterparty send 'reply' (Demo v1 Alice, step 3 of 4 ('reply')). Add the steps that follow to the script.",
    )
  })

  it("reports the handler's own error as it is", async () => {
    const run = testResponder(Demo, demoResponder, { version: 2, script: [send('amount', 'seven'), receive('greeting')] })
    await expect(run).rejects.toThrow("amount 'seven' is not an integer")
  })

  it('abort() ends the session for the handler with UnexpectedFlowEndError', async () => {
    const run = testResponder(Demo, demoResponder, { version: 1, script: [send('amount', 1), receive('greeting'), abort()] })
    await expect(run).rejects.toThrow(UnexpectedFlowEndError)
    await expect(run).rejects.toThrow("Alice's flow ended the Demo session with an error.")
  })

  it('refuses abort() or raise() anywhere but last', async () => {
    const run = testResponder(Demo, demoResponder, { version: 1, script: [abort(), send('amount', 1)] })
    await expect(run).rejects.toThrow("Script step 1 of 2, abort(): abort() ends the counterparty's flow, so it must be the script's last step.")
  })
})

describe('testInitiator', () => {
  it('runs an initiating flow against a scripted responder', async () => {
    const result = await testInitiator(Demo, (ctx) => demoInitiator(ctx, 'Bob', 5), {
      version: 1,
      script: [
        receive('amount', (a) => a === 5),
        send('greeting', ' Hi '),
        receive('reply', (r) => expect(r).toBe('Hi, Bob')),
        send('result', { name: 'n', count: 2 }),
      ],
    })
    expect(result).toEqual({ name: 'n', count: 2 })
  })

  it('names the party the flow opened the session with', async () => {
    const run = testInitiator(Demo, (ctx) => demoInitiator(ctx, 'Bob', 5), { version: 1, script: [receive('amount')] })
    await expect(run).rejects.toThrow("but the handler went on to wait for Bob: next the protocol has the counterparty send 'greeting'")
  })

  it('fails when the flow opens no session', async () => {
    const run = testInitiator(Demo, async () => 'nothing', { script: [receive('amount')] })
    await expect(run).rejects.toThrow('The flow returned without opening a Demo session, so the script (1 steps) never ran.')
  })

  it('refuses a flow that initiates another protocol', async () => {
    const other = { name: 'Other', versions: Demo.versions }
    const run = testInitiator(other, (ctx) => demoInitiator(ctx, 'Bob', 5), { script: [] })
    await expect(run).rejects.toThrow('The flow opened a Demo session with Bob, but the test scripts Other')
  })
})

describe('a counterparty that failed', () => {
  it('loses what the handler sends after raise() or abort(), as a finished peer would', async () => {
    const bob = rawBob(async (channel) => {
      await channel.receive()
      try {
        await channel.receive()
      } catch {
        await channel.send({ kind: 'data', label: 'greeting', payload: 'anyone there?' })
        return 'carried on'
      }
      return 'never aborted'
    })
    expect(await testResponder(Demo, bob, { version: 1, script: [send('amount', 1), abort()] })).toBe('carried on')
  })

  it('names an empty script that the handler outlives', async () => {
    await expect(testResponder(Demo, demoResponder, { version: 1, script: [] })).rejects.toThrow(
      "The script ended before its first step, but the handler went on to wait for Alice: next the protocol has the counterparty send 'amount'",
    )
  })
})
