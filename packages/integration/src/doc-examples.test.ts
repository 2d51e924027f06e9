// The `@example` blocks of the packages' doc comments, type-checked so they cannot rot: each block is wrapped in an
// async function in a file of its own package, with that package's exports (and core's, and `tf`) imported, and the
// lot compiled once with the TypeScript API. Free variables the example assumes (`learn`, `dls`, `model`…) are not
// declared: "cannot find name" and implicit-any diagnostics are ignored, every other one fails the block (a wrong
// option name, a renamed function, a bad argument type on the packages' own symbols).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const PKGS = ['core', 'vision', 'tabular', 'text', 'siamese', 'datasets'] as const;
/** Diagnostics of what an example assumes rather than shows: undeclared names, their implicit `any`. */
const IGNORED = new Set([2304, 2552, 7005, 7006, 7031, 7034, 7053, 2448, 2454, 18004]);
/**
 * Blocks that are not standalone code, by `<file>#<n>` (n counts the file's blocks from 1): they elide with `…` or
 * `...` (an object literal or a statement left out on purpose).
 */
const SKIP = new Set<string>([
  'packages/core/src/data/dataloader.ts#1',
  'packages/vision/src/data/image-dataset.ts#3',
  'packages/tabular/src/learner/builders.ts#1',
  'packages/tabular/src/learner/tabular-learner.ts#2',
  'packages/tabular/src/learner/tabular-learner.ts#3',
  'packages/tabular/src/learner/tabular-learner.ts#7',
  'packages/text/src/data/lm-dataloader.ts#1',
  'packages/siamese/src/data/pair-dataset.ts#6',
  'packages/vision/src/data/sample.ts#4',
]);

interface Example {
  id: string;
  pkg: string;
  code: string;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'test-utils' ? [] : walk(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

function examples(): Example[] {
  const out: Example[] = [];
  for (const pkg of PKGS)
    for (const file of walk(join(ROOT, 'packages', pkg, 'src'))) {
      const text = readFileSync(file, 'utf8');
      let n = 0;
      for (const c of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
        const lines = c[0].split('\n').map((l) => l.replace(/^\s*\*( |$)/, '').replace(/^\/\*\*\s?/, ''));
        const body = lines.join('\n');
        for (const m of body.matchAll(/@example\s*\n?\s*```(?:ts|typescript)\n([\s\S]*?)```/g)) {
          n++;
          out.push({ id: `${relative(ROOT, file)}#${n}`, pkg, code: m[1] });
        }
      }
    }
  return out;
}

/** A package's public entry points: `@tfai/<pkg>` and its subpaths (`@tfai/core/io`…), `internal` left out. */
function entriesOf(pkg: string): { specifier: string; file: string }[] {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'packages', pkg, 'package.json'), 'utf8')) as {
    exports: Record<string, string | Record<string, string>>;
  };
  return Object.entries(manifest.exports).flatMap(([key, v]) =>
    typeof v === 'object' && v['@tfai/source'] && key !== './internal'
      ? [{ specifier: `@tfai/${pkg}${key.slice(1)}`, file: join(ROOT, 'packages', pkg, v['@tfai/source']) }]
      : [],
  );
}

/** Value and type names an entry file exports (`export { … } from`, `export type { … } from`). */
function exportsOf(file: string): { values: string[]; types: string[] } {
  const text = readFileSync(file, 'utf8');
  const values: string[] = [];
  const types: string[] = [];
  for (const m of text.matchAll(/export\s+(type\s+)?\{([^}]*)\}/g))
    for (const part of m[2].split(',')) {
      const t = part.trim();
      if (!t) continue;
      const isType = !!m[1] || t.startsWith('type ');
      const name = t
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
        .pop()!
        .trim();
      (isType ? types : values).push(name);
    }
  for (const m of text.matchAll(
    /export\s+(?:declare\s+)?(const|function|class|async function|let|interface|type)\s+(\w+)/g,
  ))
    (m[1] === 'interface' || m[1] === 'type' ? types : values).push(m[2]);
  return { values, types };
}

type Exports = { specifier: string; values: string[]; types: string[] }[];

function wrap(ex: Example, exps: Record<string, Exports>): string {
  const own = ex.code.split('\n').filter((l) => /^import\s/.test(l));
  const body = ex.code.split('\n').filter((l) => !/^import\s/.test(l));
  const taken = new Set(own.flatMap((l) => [...l.matchAll(/\b(\w+)\b/g)].map((m) => m[1])));
  const seen = new Set<string>(taken);
  const imports: string[] = [...own];
  if (!seen.has('tf')) imports.push("import * as tf from '@tensorflow/tfjs-core';");
  seen.add('tf');
  for (const pkg of new Set([ex.pkg, 'core']))
    for (const e of exps[pkg]) {
      const names = [
        ...e.values.filter((v) => !seen.has(v)),
        ...e.types.filter((t) => !seen.has(t)).map((t) => `type ${t}`),
      ];
      [...e.values, ...e.types].forEach((n) => seen.add(n));
      if (names.length) imports.push(`import { ${names.join(', ')} } from '${e.specifier}';`);
    }
  return `${imports.join('\n')}\nvoid tf;\nexport async function example(): Promise<void> {\n${body.join('\n')}\n}\n`;
}

describe('doc comment @example blocks', () => {
  it('compile against the packages’ exports', () => {
    const all = examples();
    const entries = PKGS.flatMap((p) => entriesOf(p).map((e) => ({ pkg: p, ...e })));
    const exps: Record<string, Exports> = Object.fromEntries(
      PKGS.map((p) => [
        p,
        entries.filter((e) => e.pkg === p).map((e) => ({ specifier: e.specifier, ...exportsOf(e.file) })),
      ]),
    );
    const files = new Map<string, Example>();
    const sources = new Map<string, string>();
    all.forEach((ex, i) => {
      if (SKIP.has(ex.id)) return;
      const f = join(ROOT, 'packages', ex.pkg, 'src', `__doc_example_${i}.ts`);
      files.set(f, ex);
      sources.set(f, wrap(ex, exps));
    });
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2023.d.ts'],
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: ['node'],
      strict: true,
      noImplicitOverride: true,
      esModuleInterop: true,
      skipLibCheck: true,
      isolatedModules: true,
      verbatimModuleSyntax: true,
      noEmit: true,
      paths: {
        '@tfai/core/internal': [join(ROOT, 'packages', 'core', 'src', 'internal.ts')],
        ...Object.fromEntries(entries.map((e) => [e.specifier, [e.file]])),
      },
    };
    const host = ts.createCompilerHost(options);
    const read = host.readFile.bind(host);
    const exists = host.fileExists.bind(host);
    const getSource = host.getSourceFile.bind(host);
    host.readFile = (f) => sources.get(f) ?? read(f);
    host.fileExists = (f) => sources.has(f) || exists(f);
    host.getSourceFile = (f, lang, ...rest) =>
      sources.has(f) ? ts.createSourceFile(f, sources.get(f)!, lang) : getSource(f, lang, ...rest);
    const program = ts.createProgram([...files.keys()], options, host);
    const failures: string[] = [];
    for (const [f, ex] of files) {
      const sf = program.getSourceFile(f)!;
      const diags = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)].filter(
        (d) => !IGNORED.has(d.code),
      );
      if (diags.length)
        failures.push(`${ex.id}: TS${diags[0].code} ${ts.flattenDiagnosticMessageText(diags[0].messageText, ' ')}`);
    }
    console.log(
      `@example blocks: ${all.length} found, ${SKIP.size} skipped, ${files.size - failures.length} of ${files.size} compile`,
    );
    expect(all.length).toBeGreaterThan(100);
    expect(failures).toEqual([]);
  }, 600_000);
});
