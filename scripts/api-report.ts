/**
 * The API reports of the package entries (docs/api/<entry>.api.md), made by API Extractor from the
 * declarations tsup builds for each entry of package.json `exports`.
 *
 *   npm run api:check    builds the declarations and fails when a public surface differs from its report
 *   npm run api:update   rewrites the reports (commit them with the change that altered the surface)
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ConsoleMessageId, Extractor, ExtractorConfig, ExtractorLogLevel, type IConfigFile } from '@microsoft/api-extractor'
import { libraries } from '../tsup.config.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const declarations = path.join(root, '.tmp', 'api', 'dts')

/** Report name -> the declaration file tsup writes for that entry (see tsup.config.ts). */
const entries = { colloquy: 'index', protocol: 'protocol', testing: 'testing', client: 'client' } as const satisfies Record<string, keyof typeof libraries>

const mode = process.argv[2]
if (mode !== 'check' && mode !== 'update') {
  console.error('usage: tsx scripts/api-report.ts check|update')
  process.exit(2)
}

// The library entries only (the command-line bundles have no declarations to report).
const entryFlags = Object.entries(libraries).map(([name, source]) => `--entry.${name}=${source}`)
execFileSync(path.join(root, 'node_modules', '.bin', 'tsup'), [...entryFlags, '--dts-only', '--out-dir', declarations, '--silent'], {
  cwd: root,
  stdio: 'inherit',
})
mkdirSync(path.join(root, '.tmp', 'api', 'reports'), { recursive: true })

const quiet = new Set<string>([
  ConsoleMessageId.Preamble,
  ConsoleMessageId.ApiReportNotCopied,
  ConsoleMessageId.ApiReportCopied,
  ConsoleMessageId.ApiReportCreated,
])
const changed: string[] = []
for (const [name, file] of Object.entries(entries)) {
  const configObject: IConfigFile = {
    projectFolder: root,
    mainEntryPointFilePath: path.join(declarations, `${file}.d.ts`),
    bundledPackages: [],
    compiler: {
      overrideTsconfig: {
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          lib: ['ES2023'],
          types: ['node'],
          strict: true,
          skipLibCheck: true,
        },
      },
    },
    apiReport: {
      enabled: true,
      reportFileName: name,
      reportFolder: path.join(root, 'docs', 'api'),
      reportTempFolder: path.join(root, '.tmp', 'api', 'reports'),
      includeForgottenExports: true,
    },
    docModel: { enabled: false },
    dtsRollup: { enabled: false },
    tsdocMetadata: { enabled: false },
    messages: {
      compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Warning } },
      extractorMessageReporting: {
        // Messages name declaration files, whose chunk names carry content hashes: printed, not reported.
        default: { logLevel: ExtractorLogLevel.Warning, addToApiReportFile: false },
        'ae-missing-release-tag': { logLevel: ExtractorLogLevel.None },
        // Declarations the entries use without exporting them are in the reports (includeForgottenExports).
        'ae-forgotten-export': { logLevel: ExtractorLogLevel.None },
        'ae-internal-missing-underscore': { logLevel: ExtractorLogLevel.None },
        'ae-undocumented': { logLevel: ExtractorLogLevel.None },
      },
      tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
    },
  }
  const config = ExtractorConfig.prepare({ configObject, configObjectFullPath: undefined, packageJsonFullPath: path.join(root, 'package.json') })
  const result = Extractor.invoke(config, {
    localBuild: mode === 'update',
    messageCallback: (message) => {
      // A changed report is summarised below, with its difference and the command that accepts it.
      if (quiet.has(message.messageId)) message.handled = true
    },
  })
  if (result.apiReportChanged) {
    changed.push(name)
    if (mode === 'check') printDifference(name)
  }
  if (!result.succeeded && !result.apiReportChanged) {
    console.error(`api report ${name}: API Extractor reported ${result.errorCount} errors and ${result.warningCount} warnings (above); fix them and run again.`)
    process.exitCode = 1
  }
}

const reports = changed.map((name) => `docs/api/${name}.api.md`).join(', ')
if (mode === 'update') console.log(changed.length > 0 ? `api reports rewritten: ${reports}; review and commit them.` : 'api reports unchanged.')
else if (changed.length > 0) {
  console.error(
    `The public API differs from ${reports}: compare with .tmp/api/reports/, then run \`npm run api:update\` and commit the reports if the change is intended.`,
  )
  process.exitCode = 1
} else if (!process.exitCode) console.log('api reports match the public API.')

/** The first lines of the difference between a committed report and the one just made. */
function printDifference(name: string): void {
  const committed = path.join('docs', 'api', `${name}.api.md`)
  const made = path.join('.tmp', 'api', 'reports', `${name}.api.md`)
  const diff = spawnSync('git', ['diff', '--no-index', '--no-color', '--', committed, made], { cwd: root, encoding: 'utf8' })
  const lines = (diff.stdout || `${committed} is missing\n`).split('\n')
  const more = lines.length > 40 ? `\n... (${lines.length - 40} more lines)` : ''
  console.error(`${lines.slice(0, 40).join('\n')}${more}`)
}
