// @tfai/test-utils: the test helpers every package's tests share (reference facts from /work/shared/reference or the
// repository's fixtures, data set paths through @tfai/datasets). Private: never published, imported by tests only.
// The helpers still live in core's src/test-utils (their fixture paths are relative to it); this package is the one
// name the other packages import them by.
export * from '../../core/src/test-utils/fixtures.js';
