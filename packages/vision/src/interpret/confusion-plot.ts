// The confusion-matrix picture (fastai's `plot_confusion_matrix`, drawn as SVG and rendered to PNG by sharp).

/** Options of {@link confusionMatrixSvg}. */
export interface ConfusionPlotOptions {
  /** Rows divided by their sums (default false: counts). */
  normalize?: boolean;
  /** Default 'Confusion matrix'. */
  title?: string;
  /** Decimals of normalised values (default 2). */
  normDec?: number;
  /** Write the values in the cells (default true). */
  plotTxt?: boolean;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** matplotlib's "Blues", from white to dark blue, for t in [0, 1]. */
export function blues(t: number): string {
  const stops: [number, number, number][] = [
    [247, 251, 255],
    [198, 219, 239],
    [107, 174, 214],
    [33, 113, 181],
    [8, 48, 107],
  ];
  const x = Math.min(Math.max(t, 0), 1) * (stops.length - 1);
  const i = Math.min(Math.floor(x), stops.length - 2);
  const f = x - i;
  const c = stops[i].map((v, k) => Math.round(v + (stops[i + 1][k] - v) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/**
 * An SVG of a confusion matrix (rows actual, columns predicted), cells shaded as matplotlib's "Blues" and labelled
 * with their values (white on dark cells), as fastai draws it.
 * @example
 * ```ts
 * const svg = confusionMatrixSvg([[5, 1], [0, 4]], ['cat', 'dog']);
 * ```
 */
export function confusionMatrixSvg(cm: number[][], vocab: string[], opts: ConfusionPlotOptions = {}): string {
  const n = vocab.length;
  const vals = opts.normalize
    ? cm.map((r) => {
        const s = r.reduce((a, b) => a + b, 0);
        return r.map((v) => (s ? v / s : 0));
      })
    : cm;
  const max = Math.max(...vals.flat(), 0);
  const cell = Math.max(28, Math.min(60, Math.floor(480 / Math.max(n, 1))));
  const labelW = Math.min(160, 12 + 7 * Math.max(...vocab.map((v) => v.length), 4));
  const left = labelW + 28;
  const top = 40;
  const W = left + n * cell + 20;
  const H = top + n * cell + labelW + 30;
  const p: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left + (n * cell) / 2}" y="24" text-anchor="middle" font-size="15">${esc(opts.title ?? 'Confusion matrix')}</text>`,
  ];
  const dec = opts.normDec ?? 2;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const v = vals[i][j];
      const x = left + j * cell;
      const y = top + i * cell;
      p.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${blues(max ? v / max : 0)}"/>`);
      if (opts.plotTxt ?? true) {
        const txt = opts.normalize ? v.toFixed(dec) : String(v);
        p.push(
          `<text x="${x + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle" fill="${v > max / 2 ? 'white' : 'black'}">${txt}</text>`,
        );
      }
    }
  p.push(`<rect x="${left}" y="${top}" width="${n * cell}" height="${n * cell}" fill="none" stroke="black"/>`);
  vocab.forEach((v, i) => {
    p.push(`<text x="${left - 6}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end">${esc(v)}</text>`);
    const x = left + i * cell + cell / 2 + 4;
    const y = top + n * cell + 6;
    p.push(`<text x="${x}" y="${y}" text-anchor="end" transform="rotate(-90 ${x} ${y})">${esc(v)}</text>`);
  });
  p.push(
    `<text x="14" y="${top + (n * cell) / 2}" text-anchor="middle" transform="rotate(-90 14 ${top + (n * cell) / 2})">Actual</text>`,
  );
  p.push(`<text x="${left + (n * cell) / 2}" y="${H - 8}" text-anchor="middle">Predicted</text>`);
  p.push('</svg>');
  return p.join('\n');
}
