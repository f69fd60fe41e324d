/**
 * The compatibility rules: stable ids a finding carries, documented in the README's "Compatibility
 * rules" table (rendered by `rulesTable()`, and checked against it by a test). Every rule has a fixture
 * pair under test/generator/compat/fixtures/<id in kebab case>/.
 */

export interface CompatRule {
  readonly id: string
  readonly kind: 'structure' | 'payload'
  /** What breaks, and for whom. */
  readonly summary: string
  /** A change that triggers it. */
  readonly example: string
}

export const rules = [
  {
    id: 'STEP_ADDED',
    kind: 'structure',
    summary: 'A step was added: a peer on the locked definition does not expect it, and one on the current definition waits for a step the other never takes.',
    example: "`.send('note', z.string())` inserted between two steps",
  },
  {
    id: 'STEP_REMOVED',
    kind: 'structure',
    summary: 'A step was removed: a peer on the locked definition still takes it, which one on the current definition does not expect.',
    example: "`.receive('greeting', z.string())` deleted",
  },
  {
    id: 'STEP_RENAMED',
    kind: 'structure',
    summary: "A step kept its place but changed its label; labels travel on the wire, so each side rejects the other's message or choice.",
    example: "`.receive('greeting', …)` became `.receive('salutation', …)`",
  },
  {
    id: 'STEP_MOVED',
    kind: 'structure',
    summary: 'A step now comes at another point of the protocol (reordered, or moved into another branch); peers expect the steps in different orders.',
    example: "`.send('reply', …)` moved before `.receive('greeting', …)`",
  },
  {
    id: 'PATH_END_CHANGED',
    kind: 'structure',
    summary: 'A path that ended the protocol now goes on to a step, or one that went on now ends; one peer finishes while the other still waits or sends.',
    example: "a branch `p => p.send('x', …).end()` became `p => p.send('x', …)`, falling through to the next step",
  },
  {
    id: 'STEP_DIRECTION_CHANGED',
    kind: 'structure',
    summary: 'The other role now sends the message or makes the choice; both peers wait, or both send.',
    example: "`.send('amount', …)` became `.receive('amount', …)`; `choose` became `offer`",
  },
  {
    id: 'CHOICE_BRANCH_ADDED',
    kind: 'structure',
    summary: 'A choice gained a branch: the role that makes the choice may now pick it, which the role that follows it on the locked definition cannot follow.',
    example: "`choose('decision', { accept, reject })` gained `counter`",
  },
  {
    id: 'CHOICE_BRANCH_REMOVED',
    kind: 'structure',
    summary:
      'A choice lost a branch: the role that makes the choice on the locked definition may still pick it, which the role that follows it on the current definition rejects.',
    example: "`offer('decision', { issue, decline })` lost `decline`",
  },
  {
    id: 'LOOP_CHANGED',
    kind: 'structure',
    summary:
      'A loop goes back to another step, or a step now loops back where it went on (or the reverse); compared as a graph, so renaming or re-nesting a loop alone is no change.',
    example: "`continue('round')` now returns into an inner loop that starts one step later",
  },
  {
    id: 'INLINE_CHANGED',
    kind: 'structure',
    summary: 'An inlined sub-protocol changed: another protocol or version, a changed definition, or another role mapping; its steps are part of this version.',
    example: '`inline(CollectSignaturesV1, …)` became `inline(CollectSignaturesV2, …)`',
  },
  {
    id: 'ROLES_RENAMED',
    kind: 'structure',
    summary: "The protocol's roles were renamed; generated states, handlers and inline role maps of the released version use the old names.",
    example: "`responder: 'Bob'` became `responder: 'Robert'`",
  },
  {
    id: 'ERROR_ADDED',
    kind: 'structure',
    summary:
      'A declared error was added: a peer on the current definition may raise it, and one on the locked definition has no declaration or handler for it.',
    example: '`.errors({ Timeout: … })` gained `Overbooked`',
  },
  {
    id: 'ERROR_REMOVED',
    kind: 'structure',
    summary: 'A declared error was removed: a peer on the locked definition may still raise it, and one on the current definition has no declaration for it.',
    example: '`.errors({ UnacceptablePrice, AssetMismatch })` lost `AssetMismatch`',
  },
  {
    id: 'ERROR_SCHEMA_CHANGED',
    kind: 'payload',
    summary: "A declared error's details changed incompatibly; either role may raise it, so the payload rules apply in both directions.",
    example: '`UnacceptablePrice: z.object({ askingPrice })` became `z.object({ askingPrice: z.string() })`',
  },
  {
    id: 'PAYLOAD_TYPE_CHANGED',
    kind: 'payload',
    summary: "A payload or field changed to a type with no value in common: each reader rejects what the other definition's writer sends.",
    example: '`z.number().int()` became `z.string()`',
  },
  {
    id: 'PAYLOAD_REQUIRED_FIELD_ADDED',
    kind: 'payload',
    summary: 'A required field was added: the writer on the locked definition never sends it, so the reader on the current definition rejects its payload.',
    example: '`z.object({ name })` became `z.object({ name, count: z.number() })`',
  },
  {
    id: 'PAYLOAD_FIELD_REMOVED',
    kind: 'payload',
    summary:
      'A required field was removed: the writer on the current definition no longer sends it, so the reader on the locked definition rejects its payload.',
    example: '`z.object({ name, count })` became `z.object({ name })`',
  },
  {
    id: 'PAYLOAD_ENUM_VALUE_ADDED',
    kind: 'payload',
    summary: 'An enum or literal gained a value: the writer on the current definition may send it, and the reader on the locked definition rejects it.',
    example: "`z.enum(['buy', 'sell'])` became `z.enum(['buy', 'sell', 'hold'])`",
  },
  {
    id: 'PAYLOAD_ENUM_VALUE_REMOVED',
    kind: 'payload',
    summary: 'An enum or literal lost a value: the writer on the locked definition may still send it, and the reader on the current definition rejects it.',
    example: "`z.enum(['buy', 'sell', 'hold'])` became `z.enum(['buy', 'sell'])`",
  },
  {
    id: 'PAYLOAD_CONSTRAINT_NARROWED',
    kind: 'payload',
    summary:
      'The reader on the current definition accepts less (bounds, lengths, pattern, format, integer, required, non-null, fewer alternatives): the writer on the locked definition may send what it rejects.',
    example: '`z.number().min(0)` became `z.number().min(1)`; an optional field became required',
  },
  {
    id: 'PAYLOAD_CONSTRAINT_WIDENED',
    kind: 'payload',
    summary:
      'The writer on the current definition may send more (bounds, lengths, pattern, format, number for integer, optional, nullable, more alternatives): the reader on the locked definition rejects it.',
    example: '`z.string().max(10)` became `z.string().max(20)`; a field became `.nullable()`',
  },
] as const satisfies readonly CompatRule[]

export type RuleId = (typeof rules)[number]['id']

/**
 * Rules about a released version as a whole, found by comparing the released side with the tree rather
 * than two definitions (generator/lock/judge-versions.ts), so they have no fixture pair.
 */
export const versionRules = [
  {
    id: 'LOCKED_VERSION_REMOVED',
    kind: 'version',
    summary: 'A released version is no longer declared: nodes built from the tree refuse peers that still run it.',
    example: "`protocol('Demo', { version: 1, … })` deleted after it was locked",
  },
  {
    id: 'DEFINITION_CHANGED',
    kind: 'version',
    summary:
      'A released version changed in a way no other rule objects to; its definition hash changed all the same, and peers compare hashes at the handshake.',
    example: 'an optional field added to a payload of a locked version',
  },
] as const satisfies readonly { readonly id: string; readonly kind: 'version'; readonly summary: string; readonly example: string }[]

export type VersionRuleId = (typeof versionRules)[number]['id']

/** Every rule a finding can carry, with its summary: for reports that describe their rules (SARIF). */
export function ruleById(id: string): { readonly id: string; readonly kind: string; readonly summary: string; readonly example: string } | undefined {
  return [...rules, ...versionRules].find((rule) => rule.id === id)
}

/** The README table: one row per rule, in the order above. */
export function rulesTable(): string {
  const cell = (text: string): string => text.replace(/\|/g, '\\|')
  const rows = rules.map((rule) => `| \`${rule.id}\` | ${rule.kind} | ${cell(rule.summary)} | ${cell(rule.example)} |`)
  return ['| rule | kind | what breaks | example |', '|---|---|---|---|', ...rows].join('\n')
}

/** `STEP_ADDED` -> `step-added`: the fixture folder of a rule. */
export function fixtureName(id: string): string {
  return id.toLowerCase().replace(/_/g, '-')
}
