/**
 * Turns the statements of a generated module into its text: two-space indentation, single quotes, a
 * JSDoc block above each documented declaration, a blank line around interfaces and after any statement
 * ending in `}`. This is the formatting ts-morph gives the same structures, reproduced byte for byte for the
 * declarations the emitters build (test/generator/print-declarations.test.ts prints both and compares):
 * building the text directly costs a fraction of going through ts-morph's printer, which wrote every
 * character through its code writer and was most of a cold `colloquy generate`.
 */
import type {
  Declaration,
  ImportDeclaration,
  InterfaceDeclaration,
  MethodSignature,
  Parameter,
  PropertySignature,
  Statement,
  TypeAliasDeclaration,
  TypeParameter,
} from './declarations.js'

const indentUnit = '  '

/** The module text of `statements`, ending in a newline. */
export function printStatements(statements: readonly Statement[]): string {
  const out = new ModuleText()
  for (const statement of statements) {
    if (!out.isEmpty()) {
      if (out.lastNonWhitespace() === '}') out.blankLineIfLastNot()
      else out.newLineIfLastNot()
    }
    if (typeof statement !== 'string' && statement.kind === 'interface' && !out.isEmpty()) out.blankLineIfLastNot()
    out.write(typeof statement === 'string' ? statement : printDeclaration(statement))
  }
  if (!out.isEmpty()) out.newLineIfLastNot()
  return out.toString()
}

/** One declaration at the top level of a module, without a line break after it. */
export function printDeclaration(declaration: Declaration): string {
  switch (declaration.kind) {
    case 'import':
      return importText(declaration)
    case 'interface':
      return interfaceText(declaration)
    case 'type-alias':
      return typeAliasText(declaration)
  }
}

function importText(declaration: ImportDeclaration): string {
  const names = declaration.namedImports.map((n) => `${n.isTypeOnly ? 'type ' : ''}${n.name}${n.alias ? ` as ${n.alias}` : ''}`)
  const specifier = declaration.moduleSpecifier.replace(/\\/g, '\\\\').replace(/'/g, "\\'")
  return names.length ? `import { ${names.join(', ')} } from '${specifier}';` : `import '${specifier}';`
}

function typeAliasText(declaration: TypeAliasDeclaration): string {
  const head = `${docsText(declaration.docs, 0)}${declaration.isExported ? 'export ' : ''}type ${declaration.name}${typeParametersText(declaration.typeParameters)}`
  return `${head} = ${hanging(declaration.type, 0)};`
}

function interfaceText(declaration: InterfaceDeclaration): string {
  const extendsText = declaration.extends?.length ? `extends ${declaration.extends.join(', ')} ` : ''
  const head = `${docsText(declaration.docs, 0)}${declaration.isExported ? 'export ' : ''}interface ${declaration.name}${typeParametersText(declaration.typeParameters)} ${extendsText}`
  const members = [...(declaration.properties ?? []).map(propertyText), ...(declaration.methods ?? []).map(methodText)]
  return `${head}{\n${members.map((m) => `${m}\n`).join('')}}`
}

function propertyText(property: PropertySignature): string {
  return `${docsText(property.docs, 1)}${indentUnit}${property.isReadonly ? 'readonly ' : ''}${property.name}: ${hanging(property.type, 1)};`
}

function methodText(method: MethodSignature): string {
  const parameters = (method.parameters ?? []).map(parameterText).join(', ')
  const returnType = method.returnType === undefined ? '' : `: ${hanging(method.returnType, 1)}`
  return `${docsText(method.docs, 1)}${indentUnit}${method.name}${typeParametersText(method.typeParameters)}(${hanging(parameters, 1)})${returnType};`
}

function parameterText(parameter: Parameter): string {
  return `${parameter.isRestParameter ? '...' : ''}${parameter.name}: ${parameter.type}`
}

function typeParametersText(parameters: readonly (string | TypeParameter)[] | undefined): string {
  if (!parameters?.length) return ''
  const text = parameters.map((p) =>
    typeof p === 'string'
      ? p
      : `${p.variance ? `${p.variance} ` : ''}${p.name}${p.constraint ? ` extends ${p.constraint}` : ''}${p.default ? ` = ${p.default}` : ''}`,
  )
  return `<${text.join(', ')}>`
}

/** JSDoc blocks at indentation `level`, each followed by a line break. */
function docsText(docs: readonly string[] | undefined, level: number): string {
  if (!docs?.length) return ''
  const indent = indentUnit.repeat(level)
  return docs
    .map((doc) => {
      const lines = doc.split(/\r?\n/)
      if (lines.length <= 1) {
        const opened = `/** ${lines[0] ?? ''}`
        return `${indent}${opened}${opened.endsWith(' ') ? '' : ' '}*/\n`
      }
      // A first line that is empty is left out, as ts-morph does.
      if (lines[0] === '') lines.shift()
      return `${indent}/**\n${lines.map((line) => `${indent} *${line ? ` ${line}` : ''}\n`).join('')}${indent} */\n`
    })
    .join('')
}

/**
 * Text written at indentation `level` with a hanging indent: its second and later lines are indented one
 * level deeper than `level` (in addition to their own leading spaces); empty lines stay empty.
 */
function hanging(text: string, level: number): string {
  if (!text.includes('\n')) return text
  const indent = indentUnit.repeat(level + 1)
  return text
    .split(/\r?\n/)
    .map((line, i) => (i === 0 || line === '' ? line : indent + line))
    .join('\n')
}

/**
 * Text appended in pieces, which knows how it ends (the statement separators depend on it) without
 * re-reading what it holds: appending to one string and asking how it ends would copy it every time.
 */
class ModuleText {
  readonly #parts: string[] = []
  /** The last two characters written. */
  #tail = ''
  #lastNonWhitespace: string | undefined

  isEmpty(): boolean {
    return this.#parts.length === 0
  }

  lastNonWhitespace(): string | undefined {
    return this.#lastNonWhitespace
  }

  write(text: string): void {
    if (text === '') return
    this.#parts.push(text)
    this.#tail = text.length >= 2 ? text.slice(-2) : (this.#tail + text).slice(-2)
    for (let i = text.length - 1; i >= 0; i--) {
      const c = text[i]!
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue
      this.#lastNonWhitespace = c
      break
    }
  }

  newLineIfLastNot(): void {
    if (!this.#tail.endsWith('\n')) this.write('\n')
  }

  blankLineIfLastNot(): void {
    if (this.#tail === '\n\n') return
    this.newLineIfLastNot()
    this.write('\n')
  }

  toString(): string {
    return this.#parts.join('')
  }
}
