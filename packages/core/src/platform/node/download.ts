// Downloads and archives in Node (io/download.ts).
export { downloadUrl, tfaiHome, untarData } from '../../io/download.js';
