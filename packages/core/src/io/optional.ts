// Optional peers: packages a feature loads on first use, so users who never use it need not install them. The
// lookups are the platform's (#platform/optional: node_modules in Node; nothing to look up in a page).

/** Plotting's packages: Vega-Lite compiles the spec, Vega renders it to SVG, sharp rasterises the SVG to PNG. */
export const PLOT_PACKAGES = ['vega', 'vega-lite', 'sharp'] as const;

export { importOptional, installSpec, packageInstalled } from '#platform/optional';
