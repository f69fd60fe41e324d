// Prints "N passed, N failed" from vitest's JSON report; a missing report counts as a failure.
import { readFileSync } from 'node:fs'

const file = process.argv[2]
let report
try {
  report = JSON.parse(readFileSync(file, 'utf8'))
} catch {
  console.error(`no test report at ${file}: the test run did not complete`)
  console.log('0 passed, 1 failed')
  process.exit(1)
}
const passed = report.numPassedTests ?? 0
const failed = report.numFailedTests ?? 0
const brokenSuites = (report.testResults ?? []).filter((r) => r.status === 'failed' && (r.assertionResults ?? []).length === 0).length
console.log(`${passed} passed, ${failed + brokenSuites} failed`)
process.exit(failed + brokenSuites > 0 || passed === 0 ? 1 : 0)
