#!/usr/bin/env node
// Registers the TypeScript loader (protocol files are TypeScript), then runs the CLI: from source inside
// the colloquy repository, from the built bundle when installed as a package.
import { existsSync } from 'node:fs'
import { register } from 'tsx/esm/api'

register()
const source = new URL('../generator/cli.ts', import.meta.url)
const entry = existsSync(source) ? source : new URL('../dist/cli.js', import.meta.url)
const { main } = await import(entry.href)
process.exitCode = await main(process.argv.slice(2))
