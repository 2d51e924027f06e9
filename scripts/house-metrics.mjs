#!/usr/bin/env node
// Measures the house rules of issue 26 per package: the root index's exported names, `@deprecated` items, source
// files over 600 lines and functions over 80 lines (tests left out). Usage: node scripts/house-metrics.mjs [pkg…]
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const ROOT = new URL('..', import.meta.url).pathname;
const MAX_FILE = 600;
const MAX_FN = 80;

function sourceFiles(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|mts|tsx)$/.test(e.name) && !/\.(test|spec|d)\.(ts|mts|tsx)$/.test(e.name)) out.push(p);
  }
  return out;
}

function exportedNames(indexFile) {
  if (!existsSync(indexFile)) return 0;
  const sf = ts.createSourceFile(indexFile, readFileSync(indexFile, 'utf8'), ts.ScriptTarget.Latest, true);
  const names = new Set();
  for (const s of sf.statements) {
    if (ts.isExportDeclaration(s)) {
      if (s.exportClause && ts.isNamedExports(s.exportClause))
        for (const el of s.exportClause.elements) names.add(el.name.text);
      else names.add(`* from ${s.moduleSpecifier?.getText(sf)}`);
    } else if (ts.getCombinedModifierFlags(s) & ts.ModifierFlags.Export) {
      if (ts.isVariableStatement(s)) for (const d of s.declarationList.declarations) names.add(d.name.getText(sf));
      else if (s.name) names.add(s.name.getText(sf));
    }
  }
  return names.size;
}

function fnName(node, sf) {
  if (node.name) return node.name.getText(sf);
  const p = node.parent;
  if (p && (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p)))
    return p.name.getText(sf);
  return '<anonymous>';
}

function longFunctions(file) {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found = [];
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      const len = end - start + 1;
      if (len > MAX_FN) found.push({ name: fnName(node, sf), line: start + 1, len });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

const pkgsDir = join(ROOT, 'packages');
const wanted = process.argv.slice(2);
const pkgs = readdirSync(pkgsDir).filter(
  (p) => existsSync(join(pkgsDir, p, 'src')) && (!wanted.length || wanted.includes(p)),
);
for (const pkg of pkgs.sort()) {
  const src = join(pkgsDir, pkg, 'src');
  const files = sourceFiles(src);
  let deprecated = 0;
  const bigFiles = [];
  const bigFns = [];
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    deprecated += (text.match(/@deprecated/g) ?? []).length;
    const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    if (lines > MAX_FILE) bigFiles.push(`${relative(ROOT, f)} (${lines})`);
    for (const fn of longFunctions(f)) bigFns.push(`${fn.name} ${relative(ROOT, f)}:${fn.line} (${fn.len})`);
  }
  console.log(`${pkg}`);
  console.log(`  root-index exported names: ${exportedNames(join(src, 'index.ts'))}`);
  console.log(`  @deprecated: ${deprecated}`);
  console.log(`  files over ${MAX_FILE} lines: ${bigFiles.length}${bigFiles.map((s) => `\n    ${s}`).join('')}`);
  console.log(`  functions over ${MAX_FN} lines: ${bigFns.length}${bigFns.map((s) => `\n    ${s}`).join('')}`);
}
