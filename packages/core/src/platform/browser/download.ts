// Downloads and archives in a page: none (the cache is a folder). Load exports and weights from URLs instead.
import type { DownloadOptions } from '../../io/download.js';
import { DownloadError } from '../../io/download-errors.js';

const unavailable = (url: string, what: string): never => {
  throw new DownloadError(url, '(none)', `${what} needs Node: a page has no cache folder`, false);
};

/** The cache folder: none in a page. */
export function tfaiHome(): string {
  return unavailable('', 'tfaiHome');
}

/** Downloads to the cache: not in a page. */
export async function downloadUrl(url: string, _opts: DownloadOptions = {}): Promise<string> {
  return unavailable(url, 'downloadUrl');
}

/** fastai's `untar_data`: not in a page. */
export async function untarData(url: string, _opts: { dest?: string; sha256?: string } = {}): Promise<string> {
  return unavailable(url, 'untarData');
}
