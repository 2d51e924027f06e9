// @tfai/core/plot — line plots and the Recorder's plots as Vega-Lite specs, SVG or PNG (Node-only: Vega's
// renderer and sharp write the PNG).
export { svgToPng } from './plot/svg.js';
export { PLOT_PACKAGES } from './io/optional.js';
export { linePlot, linePlotSvg, plotSvg, plotSpec, plotToFile } from './plot/plot.js';
export type { Series, Marker, PlotPanel, LinePlotOptions, VegaLiteSpec } from './plot/plot.js';
export type { PlotLossOptions, PlotLrFindOptions } from './plot/recorder-plots.js';
