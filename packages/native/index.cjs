'use strict';
// @tfai/native: the oneDNN addon (see README.md). `load()` returns the compiled binding, or throws saying why it
// is not there (the build's reason from build/error.txt). Requiring this file never loads the binary itself.
const fs = require('node:fs');
const path = require('node:path');

const binaryPath = path.join(__dirname, 'build', 'Release', 'tfai_native.node');
const errorPath = path.join(__dirname, 'build', 'error.txt');

/** Why the binary is absent (the build's first line of error), or undefined when it is built. */
function unavailableReason() {
  if (fs.existsSync(binaryPath)) return undefined;
  if (fs.existsSync(errorPath)) return fs.readFileSync(errorPath, 'utf8').split('\n')[0];
  return 'the addon is not built: run `npm run build:native -w @tfai/native`';
}

let binding;
function load() {
  if (binding) return binding;
  const reason = unavailableReason();
  if (reason) throw new Error(`@tfai/native: ${reason}`);
  binding = require(binaryPath);
  return binding;
}

module.exports = { binaryPath, unavailableReason, load };
