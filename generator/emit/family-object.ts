/**
 * The typed entry point of a protocol family: per role, an interface with one handler per declared version,
 * the `XProtocol` interface (initiate, responder, the declared errors) and the `X` object implementing it,
 * whose versions are the specs of every version, so the negotiated one picks the handler that runs.
 */
import type { InterfaceDeclarationStructure, StatementStructures } from 'ts-morph'
import type { FamilyModel } from '../protocol-model.js'
import { compare } from '../protocol-model.js'
import type { EmitOptions } from './emit-options.js'
import type { ImportSet } from './import-set.js'
import { errorTypeName, handlerTypeName, specName } from './names.js'
import { StructureKind } from './ts-morph-runtime.js'

export function familyObject(family: FamilyModel, imports: ImportSet, options: EmitOptions): (string | StatementStructures)[] {
  const { name, initiator, responder, versions } = family
  const handlers = (role: string, kind: string): InterfaceDeclarationStructure => ({
    kind: StructureKind.Interface,
    name: `${name}${kind}Handlers`,
    isExported: true,
    typeParameters: ['R'],
    docs: [`One ${role} handler per declared version of ${name}; the negotiated version picks which runs.`],
    properties: versions.map((v) => ({ name: `v${v.definition.version}`, isReadonly: true, type: `${handlerTypeName(name, v.definition.version, role)}<R>` })),
  })
  const errorNames = [...new Set(versions.flatMap((v) => Object.keys(v.ir.errors)))].sort(compare)
  const errorsType = errorNames.length
    ? `{\n${errorNames
        .map((e) => {
          const details = versions.filter((v) => e in v.ir.errors).map((v) => errorTypeName(name, v.definition.version, e))
          return `    readonly ${e}: DeclaredError<'${e}', ${details.join(' | ')}>`
        })
        .join('\n')}\n  }`
    : 'Record<string, never>'
  if (errorNames.length) imports.add(options.runtimeImport, ['DeclaredError'], false, true)
  const versionList = versions.map((v) => `v${v.definition.version}`).join(', ')
  return [
    handlers(initiator, 'Initiator'),
    handlers(responder, 'Responder'),
    {
      kind: StructureKind.Interface,
      name: `${name}Protocol`,
      isExported: true,
      extends: ["Omit<ProtocolFamily, 'initiate' | 'responder' | 'errors'>"],
      docs: [`${name} (${versionList}): ${initiator} initiates, ${responder} responds.`],
      methods: [
        {
          name: 'initiate',
          typeParameters: ['R'],
          parameters: [
            { name: 'ctx', type: 'FlowContext' },
            { name: 'counterparty', type: 'string' },
            { name: 'handlers', type: `${name}InitiatorHandlers<R>` },
          ],
          returnType: 'Promise<R>',
          docs: [`Opens a session with \`counterparty\`, negotiates the highest common version and runs its ${initiator} handler.`],
        },
        {
          name: 'responder',
          typeParameters: ['R'],
          parameters: [{ name: 'handlers', type: `${name}ResponderHandlers<R>` }],
          returnType: 'ResponderRegistration',
          docs: [`The ${responder} side, to register on a node; answers every declared version.`],
        },
      ],
      properties: [{ name: 'errors', isReadonly: true, type: errorsType }],
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
