// sharp is Node's (libvips); in a page, pictures (showBatch, showResults) are not drawn: they are PNG files.
import type SharpFn from 'sharp';
import { ImageReadError } from '../../data/errors.js';

const sharp = ((): never => {
  throw new ImageReadError('<picture>', 'PNG pictures (showBatch, showResults…) are drawn with sharp, in Node only');
}) as unknown as typeof SharpFn;

export default sharp;
