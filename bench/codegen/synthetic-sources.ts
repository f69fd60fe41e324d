/**
 * Source text of synthetic protocols and of implementations of both their roles. A protocol of n steps
 * has n top-level steps: messages alternating send/receive with varied payloads, plus one choice every
 * 100 steps (a 2-branch `choose` or `offer`, one message per branch, both falling through). Chains are cut
 * into `.pipe()` segments of at most 100 steps, since tsc cannot bind one very long method chain.
 */

export interface SyntheticProtocol {
  /** Family name passed to `protocol(...)`, e.g. `Synth007`. */
  readonly name: string
  /** Kebab-case file stem: `protocols/<stem>.protocol.ts`, `generated/<stem>.ts`, `impl/<stem>.flow.ts`. */
  readonly stem: string
  readonly steps: readonly SyntheticStep[]
}

// one member per kind, so that testing `kind` narrows the union
export type SyntheticStep =
  | { readonly kind: 'send'; readonly label: string; readonly payload: PayloadKind }
  | { readonly kind: 'receive'; readonly label: string; readonly payload: PayloadKind }
  | { readonly kind: 'choose'; readonly label: string; readonly branches: readonly [BranchStep, BranchStep] }
  | { readonly kind: 'offer'; readonly label: string; readonly branches: readonly [BranchStep, BranchStep] }

interface BranchStep {
  readonly branch: string
  readonly kind: 'send' | 'receive'
  readonly label: string
  readonly payload: PayloadKind
}

type PayloadKind = 'number' | 'string' | 'object'

const payloadKinds: readonly PayloadKind[] = ['number', 'string', 'object']
const segmentSize = 100
const initiator = 'Client'
const responder = 'Server'

/** Protocol `index` of a set: the choice sits mid-protocol and alternates between choose and offer. */
export function syntheticProtocol(index: number, stepCount: number): SyntheticProtocol {
  const id = String(index).padStart(3, '0')
  const steps: SyntheticStep[] = []
  for (let i = 1; i <= stepCount; i++) {
    const label = `m${i}`
    // one choice per 100-step segment, halfway through it (step 10 of a 20-step protocol)
    if (i % segmentSize === Math.min(Math.ceil(stepCount / 2), segmentSize / 2)) {
      const kind = (index + i) % 2 === 0 ? 'choose' : 'offer'
      steps.push({
        kind,
        label: `c${i}`,
        branches: [
          { branch: 'left', kind: 'send', label: `c${i}Left`, payload: 'number' },
          { branch: 'right', kind: 'receive', label: `c${i}Right`, payload: 'string' },
        ],
      })
      continue
    }
    steps.push({ kind: (i + index) % 2 === 0 ? 'receive' : 'send', label, payload: payloadKinds[(i + index) % payloadKinds.length]! })
  }
  return { name: `Synth${id}`, stem: `synth-${id}`, steps }
}

function schema(kind: PayloadKind): string {
  switch (kind) {
    case 'number':
      return 'z.number().int()'
    case 'string':
      return 'z.string()'
    case 'object':
      return 'Item'
  }
}

function dslStep(step: SyntheticStep): string {
  if (step.kind === 'send' || step.kind === 'receive') return `.${step.kind}('${step.label}', ${schema(step.payload)})`
  const branches = step.branches.map((b) => `${b.branch}: (p) => p.${b.kind}('${b.label}', ${schema(b.payload)})`).join(', ')
  return `.${step.kind}('${step.label}', { ${branches} })`
}

export function protocolSource(protocol: SyntheticProtocol): string {
  const lines = [
    `import { z } from 'zod'`,
    `import { protocol } from '../runtime/protocol/index.js'`,
    '',
    'const Item = z.object({ id: z.string(), quantity: z.number().int(), tags: z.array(z.string()) })',
    '',
    `export const ${protocol.name}V1 = protocol('${protocol.name}', { version: 1, initiator: '${initiator}', responder: '${responder}' })`,
  ]
  for (let start = 0; start < protocol.steps.length; start += segmentSize) {
    const segment = protocol.steps.slice(start, start + segmentSize).map(dslStep)
    if (protocol.steps.length <= segmentSize) lines.push(...segment.map((s) => `  ${s}`))
    else lines.push('  .pipe((p) =>', '    p', ...segment.map((s) => `      ${s}`), '  )')
  }
  lines.push('  .end()', '')
  return lines.join('\n')
}

type Role = typeof initiator | typeof responder

/** A value of the payload's type, for the role that sends it. */
function value(kind: PayloadKind, n: number): string {
  switch (kind) {
    case 'number':
      return String(n)
    case 'string':
      return `'v${n}'`
    case 'object':
      return `{ id: 'i${n}', quantity: ${n}, tags: ['t'] }`
  }
}

/** How the receiving role reads the payload: each kind is used so its type is really checked. */
function use(kind: PayloadKind, payload: string): string {
  switch (kind) {
    case 'number':
      return `total += ${payload}.unwrap((v) => v)`
    case 'string':
      return `total += ${payload}.unwrap((v) => v.length)`
    case 'object':
      return `total += ${payload}.unwrap((v) => v.quantity + v.tags.length)`
  }
}

/** Statements that move state `s<k>` to `s<k+1>` for one step, from `role`'s point of view. */
function roleStep(step: SyntheticStep, k: number, role: Role, violation: boolean): string[] {
  const from = `s${k}`
  const to = `s${k + 1}`
  if (step.kind === 'send' || step.kind === 'receive') {
    const sends = (step.kind === 'send') === (role === initiator)
    // the violation: call the other operation on this state (receive where the protocol says send)
    if (sends !== violation) return [`const ${to} = await ${from}.send(${value(step.payload, k)})`]
    return [`const { payload: p${k}, next: ${to} } = await ${from}.receive()`, use(step.payload, `p${k}`)]
  }
  const chooses = (step.kind === 'choose') === (role === initiator)
  const [left, right] = step.branches
  if (chooses) {
    const leftSends = (left.kind === 'send') === (role === initiator)
    return [
      `const b${k} = await ${from}.choose('${left.branch}')`,
      leftSends ? `const ${to} = await b${k}.send(${value(left.payload, k)})` : `const { next: ${to} } = await b${k}.receive()`,
    ]
  }
  // the offered side handles every branch; both fall through to the same continuation state
  const handler = (b: BranchStep): string =>
    (b.kind === 'send') === (role === initiator)
      ? `${b.branch}: async (b) => b.send(${value(b.payload, k)})`
      : `${b.branch}: async (b) => (await b.receive()).next`
  return [`const ${to} = await ${from}.match({ ${handler(left)}, ${handler(right)} })`]
}

export interface ImplementationOptions {
  /** Step index (0-based) at which the initiator calls the wrong operation, for the error-text metric. */
  readonly violationAt?: number
  /**
   * Annotate each handler's return type with the generated completion type. Without it tsc infers the
   * return type from `return sN.end(...)` first, resolving the types of s1..sN recursively, which overflows
   * its stack for straight-line handlers of a few hundred steps (a TypeScript limit, not the stubs').
   */
  readonly annotateReturns?: boolean
}

/** The generated name of `role`'s first state, e.g. `Synth001V1Client_SendM1`. */
function startState(protocol: SyntheticProtocol, role: Role): string {
  const first = protocol.steps[0]!
  const own = role === initiator
  const action =
    first.kind === 'send' || first.kind === 'receive'
      ? (first.kind === 'send') === own
        ? 'Send'
        : 'Receive'
      : (first.kind === 'choose') === own
        ? 'Choose'
        : 'Offer'
  return `${protocol.name}V1${role}_${action}${first.label[0]!.toUpperCase()}${first.label.slice(1)}`
}

/** One module implementing both roles against the generated stubs, states inferred step by step. */
export function implementationSource(protocol: SyntheticProtocol, options: ImplementationOptions = {}): string {
  const body = (role: Role): string[] => {
    const lines = ['let total = 0']
    protocol.steps.forEach((step, k) => {
      lines.push(...roleStep(step, k, role, role === initiator && k === options.violationAt))
    })
    lines.push(`return s${protocol.steps.length}.end(total)`)
    return lines.map((l) => `      ${l}`)
  }
  const completion = (role: Role): string => `${protocol.name}${role}_Completion`
  // Annotated, the handler names its session parameter: `async <S>(s0: <first state><S>): Promise<<completion><S, number>>`.
  const params = (role: Role): string =>
    options.annotateReturns ? `<S>(s0: ${startState(protocol, role)}<S>): Promise<${completion(role)}<S, number>>` : '(s0)'
  const typeImports = options.annotateReturns
    ? ([initiator, responder] as const).map((role: Role) => `, type ${completion(role)}, type ${startState(protocol, role)}`).join('')
    : ''
  return [
    `import type { FlowContext } from '../runtime/index.js'`,
    `import { ${protocol.name}${typeImports} } from '../generated/${protocol.stem}.js'`,
    '',
    `export function run${initiator}(ctx: FlowContext): Promise<number> {`,
    `  return ${protocol.name}.initiate(ctx, '${responder}', {`,
    `    v1: async ${params(initiator)} => {`,
    ...body(initiator),
    '    },',
    '  })',
    '}',
    '',
    `export const ${protocol.name[0]!.toLowerCase()}${protocol.name.slice(1)}${responder} = ${protocol.name}.responder({`,
    `  v1: async ${params(responder)} => {`,
    ...body(responder).map((l) => l.slice(2)),
    '  },',
    '})',
    '',
  ].join('\n')
}

/** The runtime and DSL imported, nothing else: the fixed cost of every tsc run over a project. */
export const runtimeOnlySource = `export type { FlowContext } from '../runtime/index.js'\nexport { protocol } from '../runtime/protocol/index.js'\n`

/**
 * Plain TypeScript with no colloquy type: a chain of n state interfaces and a straight-line async handler
 * passed to a generic function that infers its result, shaped like a generated protocol's implementation.
 */
export function plainChainSource(n: number): string {
  const lines: string[] = []
  for (let i = 0; i < n; i++) lines.push(`interface S${i} { send(x: number): Promise<S${i + 1}> }`)
  lines.push(`interface S${n} { end<R>(result: R): { readonly result: R } }`)
  lines.push('declare function run<R>(handler: (s: S0) => Promise<{ readonly result: R }>): Promise<R>')
  lines.push('export const result = run(async (s0) => {')
  for (let i = 0; i < n; i++) lines.push(`  const s${i + 1} = await s${i}.send(${i})`)
  lines.push(`  return s${n}.end(${n})`, '})', '')
  return lines.join('\n')
}
