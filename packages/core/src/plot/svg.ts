/** Minimal SVG line plots (loss curves, lr_find), rendered to PNG with sharp. */

export interface Series {
  name: string;
  x: number[];
  y: number[];
  color?: string;
}

export interface LinePlotOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  xLog?: boolean;
  width?: number;
  height?: number;
  /** Points marked with a red dot and label (e.g. the lr_find suggestion). */
  markers?: { x: number; y: number; label: string }[];
}

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An SVG document plotting the series. */
export function linePlotSvg(series: Series[], opts: LinePlotOptions = {}): string {
  const W = opts.width ?? 640;
  const H = opts.height ?? 420;
  const m = { l: 70, r: 20, t: 40, b: 50 };
  const tx = (v: number) => (opts.xLog ? Math.log10(v) : v);
  const xs = series.flatMap((s) => s.x.map(tx)).filter(Number.isFinite);
  const ys = series.flatMap((s) => s.y).filter(Number.isFinite);
  const [x0, x1] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  const [y0, y1] = ys.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  const sx = (v: number) => m.l + ((tx(v) - x0) / (x1 - x0 || 1)) * (W - m.l - m.r);
  const sy = (v: number) => H - m.b - ((v - y0) / (y1 - y0 || 1)) * (H - m.t - m.b);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="black"/>`,
    `<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="black"/>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const yv = y0 + ((y1 - y0) * i) / 4;
    const xv = x0 + ((x1 - x0) * i) / 4;
    const xl = opts.xLog ? `1e${xv.toFixed(1)}` : xv.toPrecision(3);
    parts.push(`<text x="${m.l - 6}" y="${sy(yv) + 4}" text-anchor="end">${yv.toPrecision(3)}</text>`);
    parts.push(`<text x="${m.l + ((W - m.l - m.r) * i) / 4}" y="${H - m.b + 16}" text-anchor="middle">${xl}</text>`);
  }
  series.forEach((s, i) => {
    const pts = s.x.map((x, j) => [x, s.y[j]]).filter(([x, y]) => Number.isFinite(tx(x)) && Number.isFinite(y));
    const d = pts.map(([x, y], j) => `${j ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join('');
    const c = s.color ?? COLORS[i % COLORS.length];
    parts.push(`<path d="${d}" fill="none" stroke="${c}" stroke-width="1.5"/>`);
    parts.push(`<text x="${W - m.r - 4}" y="${m.t + 14 * (i + 1)}" text-anchor="end" fill="${c}">${esc(s.name)}</text>`);
  });
  for (const mk of opts.markers ?? []) {
    parts.push(`<circle cx="${sx(mk.x)}" cy="${sy(mk.y)}" r="5" fill="red"/>`);
    parts.push(`<text x="${sx(mk.x) + 8}" y="${sy(mk.y) - 8}" fill="red">${esc(mk.label)}</text>`);
  }
  if (opts.title) parts.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(opts.title)}</text>`);
  if (opts.xLabel) parts.push(`<text x="${W / 2}" y="${H - 10}" text-anchor="middle">${esc(opts.xLabel)}</text>`);
  if (opts.yLabel) parts.push(`<text x="16" y="${H / 2}" text-anchor="middle" transform="rotate(-90 16 ${H / 2})">${esc(opts.yLabel)}</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}

/** Renders an SVG string to a PNG file (atomically). */
export async function svgToPng(svg: string, file: string): Promise<string> {
  const { default: sharp } = await import('sharp');
  const { atomicWrite } = await import('../io/safetensors.js');
  const png = await sharp(Buffer.from(svg)).png().toBuffer();
  await atomicWrite(file, png);
  return file;
}
