/**
 * The typed entry point of a protocol family: per role, an interface with one handler per declared version,
 * the `XProtocol` interface (initiate, responder, the declared errors, `only()`), `XOnly<V>` for the family
 * restricted to some versions, and the `X` object implementing it, whose versions are the specs of every
 * version, so the negotiated one picks the handler that runs.
 *
 * `initiate` and `responder` take the handlers object as a type parameter `H`: its result type is the union
 * of each version's result, and a key that is not a version in play is refused even when the object is
 * held in a variable (where TypeScript does not check excess properties).
 */
import { DeclarationKind, type InterfaceDeclaration, type MethodSignature, type Statement } from './declarations.js'
import type { FamilyModel } from '../protocol-model.js'
import type { EmitOptions } from './emit-options.js'
import { familyErrorsType, versionErrorTypes } from './error-objects.js'
import type { ImportSet } from './import-set.js'
import { handlerTypeName, specName, versionErrorsName } from './names.js'

export function familyObject(family: FamilyModel, imports: ImportSet, options: EmitOptions): Statement[] {
  const { name, initiator, responder, versions } = family
  const handlers = (role: string, kind: string): InterfaceDeclaration => ({
    kind: DeclarationKind.Interface,
    name: `${name}${kind}Handlers`,
    isExported: true,
    typeParameters: [{ name: 'R', default: 'unknown' }],
    docs: [`One ${role} handler per declared version of ${name}; the negotiated version picks which runs.`],
    properties: versions.map((v) => ({ name: `v${v.definition.version}`, isReadonly: true, type: `${handlerTypeName(name, v.definition.version, role)}<R>` })),
  })
  const versionList = versions.map((v) => `v${v.definition.version}`).join(', ')
  const allKeys = versions.map((v) => `'v${v.definition.version}'`).join(' | ')
  // The handler and key types of the methods, for all versions (`XProtocol`) or versions `V` (`XOnly<V>`).
  const roleMethods = (subset: boolean): MethodSignature[] => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the emitted TypeScript type is the template literal type `v${V}`
    const keys = subset ? '`v${V}`' : allKeys
    const handlersOf = (kind: string): string => (subset ? `Pick<${name}${kind}Handlers, ${keys}>` : `${name}${kind}Handlers`)
    return [
      {
        name: 'initiate',
        typeParameters: [{ name: 'H', constraint: handlersOf('Initiator') }],
        parameters: [
          { name: 'ctx', type: 'FlowContext' },
          { name: 'counterparty', type: 'string' },
          { name: 'handlers', type: `H & OnlyVersions<H, ${keys}, '${name}'>` },
        ],
        returnType: 'Promise<HandlerResult<H>>',
        docs: [`Opens a session with \`counterparty\`, negotiates the highest common version and runs its ${initiator} handler.`],
      },
      {
        name: 'responder',
        typeParameters: [{ name: 'H', constraint: handlersOf('Responder') }],
        parameters: [{ name: 'handlers', type: `H & OnlyVersions<H, ${keys}, '${name}'>` }],
        returnType: 'ResponderRegistration',
        docs: [`The ${responder} side, to register on a node; answers every version in play.`],
      },
      {
        name: 'only',
        typeParameters: [{ name: 'W', constraint: subset ? 'V' : `${name}Version` }],
        parameters: [{ name: 'versions', type: '[W, ...W[]]', isRestParameter: true }],
        returnType: `${name}Only<W>`,
        docs: [`${name} restricted to some of its versions (e.g. for a build that still runs or already retired some), typed by the versions given.`],
      },
    ]
  }
  return [
    handlers(initiator, 'Initiator'),
    handlers(responder, 'Responder'),
    ...versionErrorTypes(family, imports, options),
    {
      kind: DeclarationKind.TypeAlias,
      name: `${name}Version`,
      isExported: true,
      docs: [`The versions ${name} declares.`],
      type: versions.map((v) => String(v.definition.version)).join(' | '),
    },
    {
      kind: DeclarationKind.Interface,
      name: `${name}Protocol`,
      isExported: true,
      extends: ["Omit<ProtocolFamily, 'initiate' | 'responder' | 'errors' | 'only'>"],
      docs: [`${name} (${versionList}): ${initiator} initiates, ${responder} responds.`],
      methods: roleMethods(false),
      properties: [
        { name: 'errors', isReadonly: true, type: familyErrorsType(family, imports, options) },
        ...versions.map((v) => ({
          name: `v${v.definition.version}`,
          isReadonly: true,
          type: `{ readonly errors: ${versionErrorsName(name, v.definition.version)} }`,
          docs: [`What belongs to v${v.definition.version} alone: its declared errors, for its handlers to raise.`],
        })),
      ],
    },
    {
      kind: DeclarationKind.Interface,
      name: `${name}Only`,
      isExported: true,
      typeParameters: [{ name: 'V', constraint: `${name}Version` }],
      extends: [`Omit<${name}Protocol, 'initiate' | 'responder' | 'only'>`],
      docs: [`${name} restricted to versions \`V\`, as \`${name}.only(...)\` returns it: one handler per version in \`V\`, no others.`],
      methods: roleMethods(true),
    },
    [
      `/** ${name}: typed entry points for both roles of every declared version (${versionList}). */`,
      `export const ${name}: ${name}Protocol = protocolFamily<${name}Protocol>({`,
      `  name: '${name}',`,
      `  versions: [${versions.map((v) => specName(name, v.definition.version)).join(', ')}],`,
      '})',
      '',
    ].join('\n'),
  ]
}
