/**
 * A counterparty played from a script, connected to the handler under test by an in-process session.
 * Every step of the script is checked against the protocol before it is played (so a script cannot
 * drift from the protocol unnoticed), and every frame the handler sends is checked as the runtime would:
 * label, order and payload schema, then the script's own check. The first thing that goes wrong ends the
 * test with an error naming the script step and the protocol step.
 */
import { FlowException, type SessionChannel, type SessionFrame, UnexpectedFlowEndError, type VersionSpec } from '../protocol/index.js'
import { Mailbox } from './mailbox.js'
import { issueText, preview } from '../protocol/session/payload-text.js'
import { describeExpectation, describeFrame } from './failure-text.js'
import { type Expectation, ProtocolCursor } from './protocol-cursor.js'
import { InvalidScriptError, ScriptMismatchError } from './script-errors.js'
import { type ScriptStep, describeStep } from './script-steps.js'

export interface ScriptedCounterpartyOptions {
  readonly spec: VersionSpec
  /** The counterparty's role and party name. */
  readonly role: string
  readonly party: string
  /** The handler's role and party name. */
  readonly handlerRole: string
  readonly handlerParty: string
  readonly script: readonly ScriptStep[]
}

/** Marks the handler's side of the session as finished (returned, failed or reached its end). */
const handlerFinished = Symbol('handler finished')

export class ScriptedCounterparty {
  /** The channel the handler under test talks on. */
  readonly channel: SessionChannel
  readonly #options: ScriptedCounterpartyOptions
  readonly #cursor: ProtocolCursor
  readonly #toHandler = new Mailbox()
  readonly #toPeer = new Mailbox()
  /** Script step (1-based) of every frame put into #toHandler, in order. */
  readonly #sentAt: number[] = []
  #scriptEnded = false
  /** The counterparty's flow ended by raise() or abort(): what the handler sends now is lost, as with a finished peer. */
  #peerGone = false
  #failure: Error | undefined

  constructor(options: ScriptedCounterpartyOptions) {
    this.#options = options
    this.#cursor = new ProtocolCursor(options.spec, options.role)
    const { spec, handlerRole, party } = options
    this.channel = {
      protocol: spec.table.protocol,
      version: spec.table.version,
      role: handlerRole,
      counterparty: party,
      send: async (frame) => this.#fromHandler(frame),
      receive: () =>
        this.#toHandler.take().catch((error: unknown) => {
          if (error instanceof ScriptMismatchError) this.#fail(error)
          throw error
        }),
      close: async () => this.#toPeer.close(handlerFinished),
    }
  }

  /** Plays the script while `handler` runs; resolves with the handler's result or rejects with the first failure. */
  async play<R>(handler: Promise<R>): Promise<R> {
    const done = handler.finally(() => this.#toPeer.close(handlerFinished))
    const [played, ran] = await Promise.allSettled([this.#playScript(done), done])
    if (this.#failure) throw this.#failure
    if (played.status === 'rejected') throw played.reason
    if (ran.status === 'rejected') throw ran.reason
    this.#checkNothingLeft()
    return ran.value
  }

  async #playScript(handler: Promise<unknown>): Promise<void> {
    const { script } = this.#options
    try {
      this.#checkEndingSteps()
      for (const [index, step] of script.entries()) {
        if (!(await this.#play(step, index + 1, handler))) return
      }
    } catch (error) {
      // Whatever stopped the script also stops a handler waiting for its next frame.
      this.#toHandler.close(error)
      throw error
    }
    this.#scriptEnded = true
    const next = this.#cursor.expectation
    if (next.kind === 'end') {
      this.#toHandler.close(new UnexpectedFlowEndError(`${this.#options.party} ended the ${this.#options.spec.table.protocol} session.`))
      return
    }
    this.#toHandler.close(
      new ScriptMismatchError(
        `The script ended ${script.length ? `after ${this.#stepName(script.length)}` : 'before its first step'}, but the handler went on to wait for ${this.#options.party}: next the protocol has the counterparty ${describeExpectation(next)} (${next.where}). Add the steps that follow to the script.`,
        script.length + 1,
      ),
    )
  }

  /** Plays one step; false when the handler finished first (with an error the test reports as it is). */
  async #play(step: ScriptStep, n: number, handler: Promise<unknown>): Promise<boolean> {
    const expected = this.#cursor.expectation
    const invalid = (what: string) => new InvalidScriptError(`Script ${this.#stepName(n)}: ${what}.`, n)
    const outOfStep = () =>
      invalid(`the protocol has the counterparty ${describeExpectation(expected)} here (${expected.where}); fix the script's order or labels`)
    switch (step.kind) {
      case 'send': {
        if (expected.kind !== 'send' || expected.label !== step.label) throw outOfStep()
        const parsed = expected.schema.safeParse(typeof step.payload === 'function' ? step.payload() : step.payload)
        if (!parsed.success) throw invalid(`the payload does not match the protocol's schema for '${step.label}' (${issueText(parsed.error)}); fix the payload`)
        this.#deliver({ kind: 'data', label: step.label, payload: structuredClone(parsed.data) }, n)
        this.#cursor.advance()
        return true
      }
      case 'choose': {
        if (expected.kind !== 'choose' || expected.label !== step.label) throw outOfStep()
        if (!expected.branches.includes(step.branch))
          throw invalid(`'${step.branch}' is not a branch of '${step.label}'; choose one of ${expected.branches.join(', ')}`)
        this.#deliver({ kind: 'choice', label: step.label, branch: step.branch }, n)
        this.#cursor.advance(step.branch)
        return true
      }
      case 'receive':
      case 'offer': {
        if (expected.kind !== step.kind || expected.label !== step.label) throw outOfStep()
        const frame = await this.#nextFromHandler(n, step, handler)
        if (!frame) return false
        this.#checkFrame(frame, expected, step, n)
        return true
      }
      case 'raise': {
        if (expected.kind === 'end') throw invalid(`the protocol has ended (${expected.where}), so there is no interaction left to raise an error at`)
        const schema = this.#cursor.errors[step.errorType]
        const declared = Object.keys(this.#cursor.errors)
        if (!schema)
          throw invalid(
            `${this.#cursor.protocolName} does not declare ${step.errorType} (${declared.length ? `it declares ${declared.join(', ')}` : 'it declares no errors'})`,
          )
        const parsed = schema.safeParse(step.details)
        if (!parsed.success) throw invalid(`the details do not match the declared schema of ${step.errorType} (${issueText(parsed.error)})`)
        const error = new FlowException(this.#options.spec.table.protocol, step.errorType, structuredClone(parsed.data), step.message)
        error.peer = this.#options.party
        this.#peerGone = true
        this.#toHandler.close(error)
        return false
      }
      case 'abort':
        this.#peerGone = true
        this.#toHandler.close(new UnexpectedFlowEndError(`${this.#options.party}'s flow ended the ${this.#options.spec.table.protocol} session with an error.`))
        return false
    }
  }

  #checkFrame(frame: SessionFrame, expected: Expectation, step: ScriptStep, n: number): void {
    const mismatch = (what: string, cause?: unknown) =>
      new ScriptMismatchError(`Script ${this.#stepName(n)}: ${what}.`, n, cause === undefined ? {} : { cause })
    if (expected.kind === 'receive') {
      if (frame.kind !== 'data' || frame.label !== expected.label) {
        throw mismatch(`the handler sent ${describeFrame(frame)}, but the protocol expects message '${expected.label}' here (${expected.where})`)
      }
      const parsed = expected.schema.safeParse(frame.payload)
      if (!parsed.success)
        throw mismatch(`the handler's '${frame.label}' does not match the protocol's schema (${issueText(parsed.error)}): ${preview(frame.payload)}`)
      const check = step.kind === 'receive' ? step.check : undefined
      let verdict: unknown
      try {
        verdict = check?.(parsed.data)
      } catch (error) {
        throw mismatch(`the check of the handler's '${frame.label}' failed: ${error instanceof Error ? error.message : String(error)}`, error)
      }
      if (verdict === false) throw mismatch(`the check of the handler's '${frame.label}' returned false for ${preview(parsed.data)}`)
      this.#cursor.advance()
      return
    }
    if (expected.kind !== 'offer') return
    if (frame.kind !== 'choice' || frame.label !== expected.label || !expected.branches.includes(frame.branch)) {
      throw mismatch(
        `the handler sent ${describeFrame(frame)}, but the protocol expects its choice '${expected.label}' (one of ${expected.branches.join(', ')}) here (${expected.where})`,
      )
    }
    const wanted = step.kind === 'offer' ? step.branch : undefined
    if (wanted !== undefined && frame.branch !== wanted) throw mismatch(`the handler chose '${frame.branch}', but the script expects '${wanted}'`)
    this.#cursor.advance(frame.branch)
  }

  /** The handler's next frame, or undefined when the handler failed first (the test then reports its error). */
  async #nextFromHandler(n: number, step: ScriptStep, handler: Promise<unknown>): Promise<SessionFrame | undefined> {
    try {
      return await this.#toPeer.take()
    } catch (reason) {
      if (reason !== handlerFinished) throw reason
    }
    const outcome = await handler.then(
      (value) => ({ ok: true as const, value }),
      () => ({ ok: false as const }),
    )
    if (!outcome.ok) return undefined
    throw new ScriptMismatchError(
      `Script ${this.#stepName(n)}: the handler finished (with ${preview(outcome.value)}) without sending what the script expects, ${describeStep(step)}.`,
      n,
    )
  }

  #fromHandler(frame: SessionFrame): void {
    if (this.#failure) throw this.#failure
    if (this.#peerGone) return
    if (this.#scriptEnded) {
      const next = this.#cursor.expectation
      const where =
        next.kind === 'end'
          ? `after the protocol's end (${next.where})`
          : `after the script's last step, where the protocol has the counterparty ${describeExpectation(next)} (${next.where})`
      throw this.#fail(
        new ScriptMismatchError(
          `The handler sent ${describeFrame(frame)} ${where}. Add the steps that follow to the script, or end the handler there.`,
          this.#options.script.length + 1,
        ),
      )
    }
    this.#toPeer.put(structuredClone(frame))
  }

  #deliver(frame: SessionFrame, n: number): void {
    this.#sentAt.push(n)
    this.#toHandler.put(frame)
  }

  /** After a successful handler: every frame either side sent was read. */
  #checkNothingLeft(): void {
    const unread = this.#toHandler.queued
    if (unread.length > 0) {
      const n = this.#sentAt[this.#sentAt.length - unread.length]!
      throw new ScriptMismatchError(`Script ${this.#stepName(n)}: the handler returned without receiving ${describeFrame(unread[0]!)}.`, n)
    }
    const unanswered = this.#toPeer.queued
    if (unanswered.length > 0) {
      const n = this.#options.script.length
      throw new ScriptMismatchError(
        `The handler sent ${describeFrame(unanswered[0]!)} after the script's last step (${n}); add a step that receives it.`,
        n + 1,
      )
    }
  }

  /** raise() and abort() end the counterparty's flow, so they can only be last. */
  #checkEndingSteps(): void {
    const { script } = this.#options
    const ending = script.findIndex((s) => s.kind === 'raise' || s.kind === 'abort')
    if (ending >= 0 && ending < script.length - 1) {
      throw new InvalidScriptError(
        `Script ${this.#stepName(ending + 1)}: ${describeStep(script[ending]!)} ends the counterparty's flow, so it must be the script's last step.`,
        ending + 1,
      )
    }
  }

  #fail(error: Error): Error {
    this.#failure ??= error
    return error
  }

  #stepName(n: number): string {
    const { script } = this.#options
    const step = script[n - 1]
    return `step ${n} of ${script.length}${step ? `, ${describeStep(step)}` : ''}`
  }
}
