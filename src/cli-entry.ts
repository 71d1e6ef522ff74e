#!/usr/bin/env node
// The `supply-chain-gate` binary: wiring only.
import { main } from './cli.js'

process.exitCode = await main(process.argv.slice(2))
