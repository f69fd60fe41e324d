/**
 * The branded interface of one state of one role: what the role may do there (send, receive, choose,
 * offer/match, inline, end) and the state each action leads to, with JSDoc saying where in the protocol
 * it is and what comes next. A choice also gets the types of its branches. Every state takes the
 * session's type parameter `S` and passes it on, so states and completions of one session never mix
 * with another's.
 */
import { DeclarationKind, type InterfaceDeclaration, type MethodSignature, type Statement, type TypeParameter } from './declarations.js'
import { match } from 'ts-pattern'
import type { StateEntry, StateTable } from '../../runtime/protocol/ir/index.js'
import { stepNumber } from '../../runtime/protocol/ir/index.js'
import type { FamilyModel, ProjectModel, VersionModel } from '../protocol-model.js'
import { compare } from '../protocol-model.js'
import type { EmitOptions } from './emit-options.js'
import type { ImportSet } from './import-set.js'
import { inlineTarget } from './inline-target.js'
import { moduleSpecifier } from './module-specifier.js'
import { completionTypeName, handlerTypeName, messageInputTypeName, messageTypeName, stateBrand, stateTypeName } from './names.js'
import { outputPathFor } from './output-path.js'

/** Whose states are emitted: the role, its kind (initiator or responder), and facts about the version's payloads. */
export interface RoleView {
  readonly role: string
  readonly kind: string
  /** Labels of the messages sent as objects, whose `send()` takes `PayloadAt` (message-types.ts). */
  readonly objectInputs: ReadonlySet<string>
}

/** The declarations of `entry`'s state as `view.role` sees it. */
export function stateInterfaces(
  model: ProjectModel,
  family: FamilyModel,
  version: VersionModel,
  view: RoleView,
  entry: StateEntry,
  imports: ImportSet,
  options: EmitOptions,
): Statement[] {
  const { role, kind } = view
  const { name } = family
  const v = version.definition.version
  const table = version.table
  const peer = role === family.initiator ? family.responder : family.initiator
  const typeName = stateTypeName(name, v, role, entry)
  const stateOf = (id: number): string => `${stateTypeName(name, v, role, table.states[id]!)}<S>`
  const where = `${name} v${v} · ${role} (${kind}) · ${stepNumber(table, entry.id)}`
  // String keys, declared first: tsc compares (and prints) them before any method, so a state from another
  // place fails naming protocol, version, role and step in its first lines.
  const brand = stateBrand(name, v, role, entry, stepNumber(table, entry.id))
  const brands = [
    { name: '$state', isReadonly: true, type: `'${brand}'` },
    { name: '$session', isReadonly: true, type: 'S' },
  ]
  const base = (docs: string[], methods: MethodSignature[]): InterfaceDeclaration => ({
    kind: DeclarationKind.Interface,
    name: typeName,
    isExported: true,
    typeParameters: [sessionOut],
    docs: [docs.join('\n')],
    properties: brands,
    methods,
  })
  const then = (next: number): string => `Then: ${nextStepText(table, next, role, peer)}.`

  // A message is sent or received, a choice made or followed, depending on whether `role` is its sender or chooser.
  return match<StateEntry, Statement[]>(entry)
    .with({ op: 'end' }, () => [
      base(
        [`${where}: the protocol is complete.`, `Return \`s.end(result)\` from the handler.`],
        [
          { name: 'end', returnType: `${completionTypeName(name, role)}<S, void>`, docs: ['Finishes the handler with no result.'] },
          {
            name: 'end',
            typeParameters: ['R'],
            parameters: [{ name: 'result', type: 'R' }],
            returnType: `${completionTypeName(name, role)}<S, R>`,
            docs: ['Finishes the handler with `result`.'],
          },
        ],
      ),
    ])
    .with({ op: 'message', from: role }, (entry) => {
      const input = messageInputTypeName(messageTypeName(name, v, entry.label))
      // An object payload is marked with this step, so a wrong field's error names it (PayloadAt in generated-types.ts).
      const objectInput = view.objectInputs.has(entry.label)
      if (objectInput) imports.add(options.runtimeImport, ['PayloadAt'], false, true)
      return [
        base(
          [`${where}: send \`${entry.label}\` to ${peer}.`, then(entry.next)],
          [
            {
              name: 'send',
              parameters: [{ name: 'payload', type: objectInput ? `PayloadAt<${input}, S, '${brand}'>` : input }],
              returnType: `Promise<${stateOf(entry.next)}>`,
              docs: [`Sends \`${entry.label}\` to ${peer}; resolves once it is durably queued.`],
            },
          ],
        ),
      ]
    })
    .with({ op: 'message' }, (entry) => {
      imports.add(options.runtimeImport, ['Received'], false, true)
      return [
        base(
          [`${where}: receive \`${entry.label}\` from ${peer}.`, then(entry.next)],
          [
            {
              name: 'receive',
              returnType: `Promise<Received<${messageTypeName(name, v, entry.label)}, ${stateOf(entry.next)}>>`,
              docs: [`Waits for \`${entry.label}\` from ${peer}; the payload matched its schema and is to be unwrapped.`],
            },
          ],
        ),
      ]
    })
    .with({ op: 'choice', by: role }, (entry) => {
      const branchNames = Object.keys(entry.branches).sort(compare)
      const branchesType = `${typeName}_Branches<S>`
      return [
        {
          kind: DeclarationKind.Interface,
          name: `${typeName}_Branches`,
          isExported: true,
          typeParameters: [sessionOut],
          docs: [`The branches of \`${entry.label}\` and the state each leads to.`],
          properties: branchNames.map((b) => ({ name: b, isReadonly: true, type: stateOf(entry.branches[b]!) })),
        },
        base(
          [`${where}: choose a branch of \`${entry.label}\` (${branchNames.join(' | ')}); ${peer} follows it.`],
          [
            {
              name: 'choose',
              typeParameters: [{ name: 'B', constraint: `keyof ${branchesType}` }],
              parameters: [{ name: 'branch', type: 'B' }],
              returnType: `Promise<${branchesType}[B]>`,
              docs: [`Tells ${peer} which branch of \`${entry.label}\` this flow takes.`],
            },
          ],
        ),
      ]
    })
    .with({ op: 'choice' }, (entry) => {
      const branchNames = Object.keys(entry.branches).sort(compare)
      const unionType = `${typeName}_Branch`
      const handlersType = `${typeName}_Handlers`
      return [
        {
          kind: DeclarationKind.TypeAlias,
          name: unionType,
          isExported: true,
          typeParameters: ['S'],
          docs: [`The branch ${peer} chose at \`${entry.label}\`, with the state it leads to.`],
          type: branchNames.map((b) => `{ readonly branch: '${b}'; readonly next: ${stateOf(entry.branches[b]!)} }`).join('\n  | '),
        },
        {
          kind: DeclarationKind.Interface,
          name: handlersType,
          isExported: true,
          typeParameters: [{ name: 'S', variance: 'in' }],
          docs: [`One handler per branch of \`${entry.label}\`; every branch must be handled, each may return its own type.`],
          properties: branchNames.map((b) => ({ name: b, isReadonly: true, type: `(s: ${stateOf(entry.branches[b]!)}) => unknown` })),
        },
        base(
          [`${where}: wait for ${peer}'s choice at \`${entry.label}\` (${branchNames.join(' | ')}).`],
          [
            { name: 'offer', returnType: `Promise<${unionType}<S>>`, docs: [`Resolves with the branch ${peer} chose and its state.`] },
            {
              name: 'match',
              // H is the handlers object itself, so the result is the union of what each branch returns.
              typeParameters: [{ name: 'H', constraint: `${handlersType}<S>` }],
              parameters: [{ name: 'handlers', type: 'H' }],
              returnType: `Promise<Awaited<ReturnType<H[keyof ${handlersType}<S>]>>>`,
              docs: [`Waits for ${peer}'s choice and runs the handler of that branch; resolves with what that handler returns.`],
            },
          ],
        ),
      ]
    })
    .with({ op: 'inline' }, (entry) => {
      const sub = inlineTarget(model, version, entry.label)
      const subRole = Object.keys(entry.roles).find((r) => entry.roles[r] === role)!
      const handler = handlerTypeName(sub.family, sub.version, subRole)
      if (sub.file !== family.file) imports.add(moduleSpecifier(outputPathFor(family.file, options), outputPathFor(sub.file, options)), [handler], false, true)
      imports.add(options.runtimeImport, ['Inlined'], false, true)
      return [
        base(
          [`${where}: run the inlined ${entry.protocol} v${entry.version} as its ${subRole}, on this session.`, then(entry.next)],
          [
            {
              name: 'inline',
              typeParameters: ['R'],
              parameters: [{ name: 'implementation', type: `${handler}<R>` }],
              returnType: `Promise<Inlined<R, ${stateOf(entry.next)}>>`,
              // The implementation is generic in its own session parameter: each inline run is a session of its own.
              docs: [`Runs an implementation of ${entry.protocol} v${entry.version} (${subRole}) and continues with this protocol.`],
            },
          ],
        ),
      ]
    })
    .exhaustive()
}

/**
 * The session parameter of a state, declared covariant (`out S`): TypeScript then takes the variance as given
 * instead of measuring it through every state the state leads to, which overflows its stack for protocols of
 * a few hundred steps.
 */
const sessionOut: TypeParameter = { name: 'S', variance: 'out' }

/** What `role` does at state `id`, for the "Then:" line of the state before it. */
function nextStepText(table: StateTable, id: number, role: string, peer: string): string {
  const step = stepNumber(table, id)
  return match(table.states[id]!)
    .with({ op: 'end' }, () => 'the end (return s.end(result))')
    .with({ op: 'message', from: role }, (entry) => `${step}, send \`${entry.label}\``)
    .with({ op: 'message' }, (entry) => `${step}, receive \`${entry.label}\` from ${peer}`)
    .with({ op: 'choice', by: role }, (entry) => `${step}, choose at \`${entry.label}\``)
    .with({ op: 'choice' }, (entry) => `${step}, ${peer} chooses at \`${entry.label}\``)
    .with({ op: 'inline' }, (entry) => `${step}, inline ${entry.protocol} v${entry.version}`)
    .exhaustive()
}
