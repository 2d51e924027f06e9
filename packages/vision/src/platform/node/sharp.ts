// sharp (libvips) in Node: pictures (grids of images) are composed with it.
export { default } from 'sharp';
