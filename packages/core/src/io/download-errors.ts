// The errors of downloads and archives (io/download.ts), apart so that a page's bundle has them without the downloader.
import { TfaiError } from '../errors.js';

/**
 * A download that failed: unreachable host, HTTP error, interrupted transfer or wrong hash. `url` is what was
 * fetched and `cacheFile` where the file belongs; the message names both and says how to put the file there by hand.
 *
 * @example
 * ```ts
 * try { await downloadUrl(URLs.MNIST_TINY); }
 * catch (e) { if (e instanceof DownloadError) console.error(e.url, e.cacheFile); }
 * ```
 */
export class DownloadError extends TfaiError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'DownloadError';
  constructor(
    /** The address that was fetched (a {@link URLs} entry or any `http(s)` URL). */
    readonly url: string,
    /** The absolute path where the file belongs in the cache: by default `<$TFAI_HOME or ~/.cache/tfai>/downloads/` (downloadUrl) or `…/archive/` (untarData). */
    readonly cacheFile: string,
    reason: string,
    byHand = true,
  ) {
    super(
      `${reason} (url ${url}, cache file ${cacheFile})` +
        (byHand ? `. To install it by hand, download ${url} elsewhere and copy it to ${cacheFile}` : ''),
    );
  }
}

/**
 * An archive that {@link untarData} cannot extract: corrupt or truncated, of an unknown kind, or with an entry that
 * would land outside the extraction folder (`../`, an absolute path, a link pointing out). `entry` names the entry
 * when one is at fault. Nothing is left extracted, and the cached archive is removed so the next call downloads it again.
 *
 * @example
 * ```ts
 * try { await untarData(url); }
 * catch (e) { if (e instanceof ArchiveError) console.error(e.cacheFile, e.entry); }
 * ```
 */
export class ArchiveError extends DownloadError {
  /** The error's name (its class's), kept when a bundler renames the class. */
  static override readonly errorName: string = 'ArchiveError';
  constructor(
    url: string,
    cacheFile: string,
    reason: string,
    /** The archive entry at fault (its path inside the archive), undefined when the whole archive is. */
    readonly entry?: string,
  ) {
    super(url, cacheFile, entry === undefined ? reason : `${reason}: entry '${entry}'`, false);
  }
}
