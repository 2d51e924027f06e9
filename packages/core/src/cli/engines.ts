// Node version ranges (package.json `engines`), with no Node import: shared by `tfai doctor` and the tests.

/**
 * Whether a Node version is in an `engines` range: `||`-separated sets of space-separated comparators
 * (`^X.Y.Z`, `~X.Y.Z`, `>=`, `>`, `<=`, `<`, `=` or a bare version), enough for `engines` fields (semver's full
 * grammar is checked against this in the tests).
 * @example
 * ```ts
 * nodeSatisfies('22.11.0', '^20.19.0 || ^22.12.0 || >=23'); // false
 * ```
 */
export function nodeSatisfies(version: string, range: string): boolean {
  const parse = (v: string): number[] => {
    const parts = v.replace(/^v/, '').split('-')[0].split('.').map(Number);
    return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0];
  };
  const cmp = (a: number[], b: number[]): number => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
  const v = parse(version);
  return range.split('||').some((set) =>
    set
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .every((c) => {
        const m = /^(\^|~|>=|<=|>|<|=)?\s*v?(\d+(?:\.\d+){0,2})/.exec(c);
        if (!m) return false;
        const b = parse(m[2]);
        const d = cmp(v, b);
        switch (m[1]) {
          case '^':
            return d >= 0 && (b[0] > 0 ? v[0] === b[0] : v[0] === 0 && v[1] === b[1]);
          case '~':
            return d >= 0 && v[0] === b[0] && v[1] === b[1];
          case '>=':
            return d >= 0;
          case '<=':
            return d <= 0;
          case '>':
            return d > 0;
          case '<':
            return d < 0;
          default:
            return d === 0;
        }
      }),
  );
}
