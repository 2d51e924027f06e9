// POSIX path arithmetic for a page (no file system: only the string operations the library uses on names).

/** The separator. */
export const sep = '/';

function normalizeParts(parts: string[], absolute: boolean): string[] {
  const out: string[] = [];
  for (const p of parts) {
    if (p === '' || p === '.') continue;
    if (p === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!absolute) out.push('..');
    } else out.push(p);
  }
  return out;
}

/** `path.isAbsolute`. */
export const isAbsolute = (p: string): boolean => p.startsWith('/');

/** `path.join`. */
export function join(...paths: string[]): string {
  const joined = paths.filter((p) => p !== '').join('/');
  if (joined === '') return '.';
  const abs = isAbsolute(joined);
  const s = normalizeParts(joined.split('/'), abs).join('/');
  const out = (abs ? '/' : '') + (s || (abs ? '' : '.'));
  return joined.endsWith('/') && !out.endsWith('/') ? `${out}/` : out;
}

/** `path.resolve` against `/` (a page has no working directory). */
export function resolve(...paths: string[]): string {
  let acc = '';
  for (const p of paths) acc = isAbsolute(p) ? p : `${acc}/${p}`;
  return '/' + normalizeParts(acc.split('/'), true).join('/');
}

/** `path.dirname`. */
export function dirname(p: string): string {
  const t = p.replace(/\/+$/, '');
  if (t === '' && p.startsWith('/')) return '/';
  const i = t.lastIndexOf('/');
  if (i < 0) return '.';
  return i === 0 ? '/' : t.slice(0, i);
}

/** `path.basename`. */
export function basename(p: string, ext?: string): string {
  const b = p.replace(/\/+$/, '').split('/').pop() ?? '';
  return ext && b.endsWith(ext) && b !== ext ? b.slice(0, -ext.length) : b;
}

/** `path.extname`. */
export function extname(p: string): string {
  const b = basename(p);
  const i = b.lastIndexOf('.');
  return i <= 0 ? '' : b.slice(i);
}

/** `path.relative`. */
export function relative(from: string, to: string): string {
  const a = resolve(from).split('/').filter(Boolean);
  const b = resolve(to).split('/').filter(Boolean);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/');
}
