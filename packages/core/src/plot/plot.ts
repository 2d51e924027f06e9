/**
 * Line plots as fastai draws them with matplotlib — loss curves, metrics, schedules, lr_find — written as a
 * Vega-Lite spec, rendered to SVG by Vega in Node (no canvas) and to PNG by sharp (librsvg, system fonts).
 * Vega brings round log ticks, nice linear ticks, grids, tick marks and legends; `vega`/`vega-lite` are
 * imported on the first plot only.
 */
import { atomicWrite } from '../io/safetensors.js';
import { svgToPng } from './svg.js';
import { loadVega } from '#platform/plot-render';
import { importOptional, PLOT_PACKAGES } from '../io/optional.js';

/** One line of a plot. */
export interface Series {
  /** Legend label of the line (the legend is drawn only when a panel has several lines). */
  name: string;
  /** x coordinates (batch, epoch or learning rate); points with a non-finite x or y are skipped. */
  x: number[];
  /** y coordinates, one per `x` (same length). */
  y: number[];
  /** Default: matplotlib's colour cycle in order (`#1f77b4`, `#ff7f0e`, …). */
  color?: string;
}

/** A point marked on a plot (the lr_find suggestion), drawn as a dot with a legend entry. */
export interface Marker {
  /** x coordinate of the dot (for lr_find: the suggested learning rate). */
  x: number;
  /** y coordinate of the dot (for lr_find: the smoothed loss at that learning rate). */
  y: number;
  /** Legend text of the marker, e.g. `valley: 1.20e-3`. */
  label: string;
  /** CSS colour of the dot; default: the next tab10 colour after the panel's lines. */
  color?: string;
}

/** One panel (axes) of a figure. */
export interface PlotPanel {
  /** The lines drawn in this panel, coloured in order from matplotlib's tab10 cycle unless they set `color`. */
  series: Series[];
  /** Dots with their own legend entries, drawn over the lines (default: none). */
  markers?: Marker[];
  /** Title above the panel (matplotlib's `ax.set_title`; default: none). */
  title?: string;
  /** Label of the x axis (matplotlib's `ax.set_xlabel`; default: none). */
  xLabel?: string;
  /** Label of the y axis (matplotlib's `ax.set_ylabel`; default: none). */
  yLabel?: string;
  /** Log-scaled x axis with ticks at the powers of ten (`1e-6 1e-5 …`). */
  xLog?: boolean;
  /** Log-scaled y axis with ticks at the powers of ten (fastai's `plot_loss(log=True)`; default false). */
  yLog?: boolean;
  /** Integer ticks only on x (epochs). */
  xInteger?: boolean;
}

/** Options of {@link linePlotSvg} / {@link linePlot}. */
export interface LinePlotOptions extends Omit<PlotPanel, 'series'> {
  /** Width of each panel's plotting area in pixels (default 560). */
  width?: number;
  /** Height of each panel's plotting area in pixels (default 340). */
  height?: number;
  /** Figure title above all panels (figures of several panels). */
  suptitle?: string;
  /** Panels per row (default 2). */
  columns?: number;
}

/**
 * matplotlib's default colour cycle (tab10).
 * @example
 * ```ts
 * const series = { name: 'valid', x: [0, 1], y: [0.5, 0.4], color: TAB10[1] };
 * ```
 */
export const TAB10 = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

const FONT = 'DejaVu Sans, Liberation Sans, Arial, sans-serif';

/**
 * A Vega-Lite specification as {@link plotSpec} builds it (plain JSON: give it to `vega-lite`'s `compile`, or to
 * any Vega-Lite renderer).
 * @example
 * ```ts
 * const spec: VegaLiteSpec = plotSpec([{ series: [{ name: 'loss', x: [0, 1], y: [0.9, 0.5] }] }]);
 * ```
 */
export type VegaLiteSpec = Record<string, unknown>;

/** Vega-Lite's logger, silenced (its warnings are about the spec, not the user's data). */
const quiet = {
  level(): number {
    return 0;
  },
  error(...args: readonly unknown[]): never {
    throw new Error(args.map(String).join(' '));
  },
  warn() {
    return this;
  },
  info() {
    return this;
  },
  debug() {
    return this;
  },
};

function axis(
  title: string | undefined,
  log: boolean | undefined,
  integer: boolean | undefined,
  values: number[],
): VegaLiteSpec {
  const a: VegaLiteSpec = {
    title: title ?? null,
    grid: true,
    gridColor: '#e6e6e6',
    tickColor: '#444',
    domainColor: '#444',
    ticks: true,
    tickSize: 5,
  };
  if (log) {
    const finite = values.filter((v) => v > 0 && Number.isFinite(v));
    const lo = Math.floor(Math.log10(Math.min(...finite)));
    const hi = Math.ceil(Math.log10(Math.max(...finite)));
    const decades: number[] = [];
    for (let e = lo; e <= hi; e++) decades.push(10 ** e);
    // Ticks at the powers of ten only, labelled 1e-6, 1e-5 … (vega's ".0e" writes 1e+0: drop the plus).
    a.values = decades;
    a.labelExpr = "replace(format(datum.value, '.0e'), 'e+', 'e')";
  } else {
    a.tickCount = 6;
    if (integer) a.tickMinStep = 1;
    a.format = integer ? 'd' : '~g';
  }
  return a;
}

function panelSpec(p: PlotPanel, width: number, height: number): VegaLiteSpec {
  const rows: { x: number; y: number; series: string }[] = [];
  for (const s of p.series)
    s.x.forEach(
      (x, i) =>
        Number.isFinite(x) &&
        Number.isFinite(s.y[i]) &&
        (!p.xLog || x > 0) &&
        rows.push({ x, y: s.y[i], series: s.name }),
    );
  const markers = (p.markers ?? []).filter((m) => Number.isFinite(m.x) && Number.isFinite(m.y));
  const names = p.series.map((s) => s.name);
  const colors = p.series.map((s, i) => s.color ?? TAB10[i % TAB10.length]);
  const xs = rows.map((r) => r.x).concat(markers.map((m) => m.x));
  const ys = rows.map((r) => r.y).concat(markers.map((m) => m.y));
  const legend = {
    title: null,
    orient: 'top-right',
    labelFontSize: 12,
    fillColor: 'rgba(255,255,255,0.85)',
    strokeColor: '#ccc',
    padding: 6,
  };
  // Lines get stroke swatches (a legend only when there are several); markers a dot each, as matplotlib's 'o'.
  const color = {
    field: 'series',
    type: 'nominal',
    scale: { domain: names, range: colors },
    legend: names.length > 1 ? { ...legend, symbolType: 'stroke', symbolStrokeWidth: 2 } : null,
  };
  const scale = (log: boolean | undefined) => (log ? { type: 'log' } : { type: 'linear', zero: false, nice: 6 });
  const x = { field: 'x', type: 'quantitative', scale: scale(p.xLog), axis: axis(p.xLabel, p.xLog, p.xInteger, xs) };
  const y = { field: 'y', type: 'quantitative', scale: scale(p.yLog), axis: axis(p.yLabel, p.yLog, false, ys) };
  const layer: VegaLiteSpec[] = [
    { data: { values: rows }, mark: { type: 'line', strokeWidth: 1.8, clip: true }, encoding: { x, y, color } },
  ];
  markers.forEach((m, i) => {
    const c = m.color ?? TAB10[(p.series.length + i) % TAB10.length];
    layer.push({
      data: { values: [{ x: m.x, y: m.y, marker: m.label }] },
      mark: { type: 'point', filled: true, size: 90, opacity: 1, color: c },
      encoding: {
        x,
        y,
        shape: {
          field: 'marker',
          type: 'nominal',
          scale: { domain: markers.map((k) => k.label), range: markers.map(() => 'circle') },
          legend: {
            ...legend,
            symbolFillColor: c,
            symbolStrokeColor: c,
            symbolSize: 90,
            orient: names.length > 1 ? 'bottom-right' : 'top-right',
          },
        },
      },
    });
  });
  const spec: VegaLiteSpec = { width, height, layer };
  if (p.title) spec.title = { text: p.title, fontSize: 14, fontWeight: 'normal' };
  return spec;
}

/**
 * The Vega-Lite spec of a figure of panels (exposed for tests and for custom rendering).
 * @example
 * ```ts
 * const spec = plotSpec([{ series: [{ name: 'loss', x: [1e-5, 1e-3], y: [0.7, 0.5] }], xLog: true }]);
 * ```
 */
export function plotSpec(
  panels: PlotPanel[],
  opts: Pick<LinePlotOptions, 'width' | 'height' | 'suptitle' | 'columns'> = {},
): VegaLiteSpec {
  const w = opts.width ?? 560;
  const h = opts.height ?? 340;
  const config = {
    font: FONT,
    background: 'white',
    padding: 12,
    view: { stroke: '#888' },
    axis: { labelFontSize: 11, titleFontSize: 13, titleFontWeight: 'normal', labelColor: '#222', titleColor: '#222' },
    legend: { symbolType: 'stroke' },
  };
  const base: VegaLiteSpec = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', config };
  if (opts.suptitle) base.title = { text: opts.suptitle, fontSize: 15, fontWeight: 'normal', anchor: 'middle' };
  if (panels.length === 1) return { ...base, ...panelSpec(panels[0], w, h) };
  return {
    ...base,
    concat: panels.map((p) => panelSpec(p, w, h)),
    columns: opts.columns ?? 2,
    resolve: { scale: { color: 'independent', x: 'independent', y: 'independent' } },
  };
}

/**
 * Renders a figure of panels to an SVG document (Vega in Node, no canvas).
 * @example
 * ```ts
 * const svg = await plotSvg([{ series: [{ name: 'loss', x: [0, 1, 2], y: [0.9, 0.6, 0.5] }], yLabel: 'Loss' }]);
 * ```
 */
export async function plotSvg(
  panels: PlotPanel[],
  opts: Pick<LinePlotOptions, 'width' | 'height' | 'suptitle' | 'columns'> = {},
): Promise<string> {
  const [vega, vl] = await loadVega();
  const compiled = vl.compile(plotSpec(panels, opts) as unknown as Parameters<typeof vl.compile>[0], {
    logger: quiet,
  }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * An SVG line plot of the series (one panel).
 * @example
 * ```ts
 * const svg = await linePlotSvg([{ name: 'train', x: [0, 1, 2], y: [0.9, 0.6, 0.5] }], { xLabel: 'Batch', yLabel: 'Loss' });
 * ```
 */
export async function linePlotSvg(series: Series[], opts: LinePlotOptions = {}): Promise<string> {
  const { width, height, suptitle, columns, ...panel } = opts;
  return plotSvg([{ ...panel, series }], { width, height, suptitle, columns });
}

/**
 * Writes a figure of panels as a PNG (atomically, `.svg` files as SVG); returns the file.
 * @example
 * ```ts
 * await plotToFile([{ series: [{ name: 'lr', x: [0, 1, 2], y: [1e-4, 1e-3, 1e-5] }], yLabel: 'lr' }], 'sched.png');
 * ```
 */
export async function plotToFile(
  panels: PlotPanel[],
  file: string,
  opts: Pick<LinePlotOptions, 'width' | 'height' | 'suptitle' | 'columns'> = {},
): Promise<string> {
  const svgOnly = file.toLowerCase().endsWith('.svg');
  // All of plotting's optional peers asked for at once, so a missing stack is named in one error.
  if (!svgOnly) await importOptional('plotting', PLOT_PACKAGES, async () => undefined);
  const svg = await plotSvg(panels, opts);
  if (svgOnly) {
    await atomicWrite(file, Buffer.from(svg));
    return file;
  }
  return svgToPng(svg, file);
}

/**
 * A one-panel line plot written to `file` (PNG, or SVG when the name ends in `.svg`).
 * @example
 * ```ts
 * await linePlot('loss.png', [{ name: 'train', x: [0, 1, 2], y: [0.9, 0.6, 0.5] }], { yLabel: 'Loss' });
 * ```
 */
export async function linePlot(file: string, series: Series[], opts: LinePlotOptions = {}): Promise<string> {
  const { width, height, suptitle, columns, ...panel } = opts;
  return plotToFile([{ ...panel, series }], file, { width, height, suptitle, columns });
}
