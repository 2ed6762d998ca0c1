#!/usr/bin/env node
// solc-js behind the native solc command line.
//
// No native compiler can be downloaded on our machines, so this script gives the npm package
// `solc` (an Emscripten build of the real compiler) the command-line surface that py-solc-x,
// ape-solidity and forge call: `--version` and `--standard-json` (input on stdin, output on
// stdout), with `--base-path`, `--include-path` and `--allow-paths` used to read imports from
// the file system. It is registered as `solc-v<version>` by `tools/solc/install.sh`.
'use strict';

const fs = require('fs');
const path = require('path');
const solc = require('solc');

const USAGE = 'usage: solc --version | solc --standard-json [--base-path DIR] [--include-path DIR]... [--allow-paths A,B]';

/** Parses the flags we support; anything else is an error, as with native solc. */
function parseArgs(argv) {
  const opts = { version: false, standardJson: false, basePath: null, includePaths: [], allowPaths: [], inputFile: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      if (i + 1 >= argv.length) throw new Error(`${flag} needs a value`);
      return argv[++i];
    };
    switch (flag) {
      case '--version': opts.version = true; break;
      case '--standard-json': opts.standardJson = true; break;
      case '--base-path': opts.basePath = value(); break;
      case '--include-path': opts.includePaths.push(value()); break;
      case '--allow-paths': opts.allowPaths.push(...value().split(',').filter(Boolean)); break;
      // Native solc accepts these with --standard-json; they do not change the JSON output.
      case '--pretty-json': case '--no-color': case '--color': break;
      default:
        if (flag.startsWith('-')) throw new Error(`unsupported option ${flag}`);
        opts.inputFile = flag;
    }
  }
  return opts;
}

/** "0.8.28+commit.7893614a.Emscripten.clang" -> "0.8.28+commit.7893614a.Linux.g++" */
function nativeVersionString() {
  const full = solc.version();
  const m = full.match(/^(\d+\.\d+\.\d+)(\+commit\.[0-9a-f]+)?/);
  if (!m) throw new Error(`unexpected solc-js version ${full}`);
  return `${m[1]}${m[2] || ''}.Linux.g++`;
}

/** Import callback: the path as given, then relative to the base path and each include path. */
function makeImportReader(opts) {
  const roots = [opts.basePath, ...opts.includePaths].filter(Boolean).map((p) => path.resolve(p));
  return function findImport(importPath) {
    const candidates = path.isAbsolute(importPath) ? [importPath] : [...roots.map((r) => path.join(r, importPath)), path.resolve(importPath)];
    for (const candidate of candidates) {
      try {
        return { contents: fs.readFileSync(candidate, 'utf8') };
      } catch (_) { /* try the next root */ }
    }
    return { error: `File not found: ${importPath} (searched ${candidates.join(', ')})` };
  };
}

/** Sources given by `urls` instead of `content` are read here, as native solc does. */
function inlineUrlSources(input, findImport) {
  for (const [name, source] of Object.entries(input.sources || {})) {
    if (source.content === undefined && Array.isArray(source.urls)) {
      for (const url of source.urls) {
        const found = findImport(url);
        if (found.contents !== undefined) { source.content = found.contents; delete source.urls; break; }
      }
    }
  }
  return input;
}

function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${err.message}\n${USAGE}\n`);
    return 1;
  }
  if (opts.version) {
    process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${nativeVersionString()}\n`);
    return 0;
  }
  if (!opts.standardJson) {
    process.stderr.write(`${USAGE}\n`);
    return 1;
  }
  const raw = fs.readFileSync(opts.inputFile || 0, 'utf8');
  const findImport = makeImportReader(opts);
  let input;
  try {
    input = inlineUrlSources(JSON.parse(raw), findImport);
  } catch (err) {
    // Native solc reports malformed input inside the JSON output and exits 0.
    process.stdout.write(JSON.stringify({ errors: [{ component: 'general', formattedMessage: `Input is not valid JSON: ${err.message}`, message: `Input is not valid JSON: ${err.message}`, severity: 'error', type: 'JSONError' }] }));
    return 0;
  }
  process.stdout.write(solc.compile(JSON.stringify(input), { import: findImport }));
  return 0;
}

process.exitCode = main();
