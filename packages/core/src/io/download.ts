// Downloading files once into a cache, and fastai's `untar_data`: download an archive, check its hash, extract it.
// Every write is atomic (a temporary name in the same folder, then a rename), so an interrupted download or a failed
// extraction never leaves a file or folder under its final name.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, unlink, utimes } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { list as tarList, extract as tarExtract } from 'tar';
import type { ReadEntry } from 'tar';
import yauzl from 'yauzl';
import { ArchiveError, DownloadError } from './download-errors.js';

export { ArchiveError, DownloadError } from './download-errors.js';
export { URLs } from './urls.js';
import { progressBar } from '../progress/bar.js';

/**
 * tfai's cache folder: `$TFAI_HOME`, else `~/.cache/tfai` (fastai's `~/.fastai`). Downloads go to
 * `<home>/downloads`, archives of {@link untarData} to `<home>/archive`, their extracted folders to `<home>/data`.
 *
 * @example
 * ```ts
 * process.env.TFAI_HOME = '/data/tfai';
 * tfaiHome(); // '/data/tfai'
 * ```
 */
export function tfaiHome(): string {
  return process.env.TFAI_HOME ?? join(homedir(), '.cache', 'tfai');
}

/**
 * Options of {@link downloadUrl}.
 *
 * @example
 * ```ts
 * const opts: DownloadOptions = { dir: '/tmp/models', sha256: 'f37072fd', progress: false };
 * ```
 */
export interface DownloadOptions {
  /** Folder the file is cached in; default `join(tfaiHome(), 'downloads')`. */
  dir?: string;
  /** Expected SHA-256 of the file: the full hex digest, or a prefix of it (torch.hub puts 8 hex digits in file names). */
  sha256?: string;
  /** Name of the cached file; default the last segment of the URL's path. */
  fileName?: string;
  /** A progress bar on stderr (redrawn on a terminal, a plain line every 30 s off one); `false` draws none. Default true. */
  progress?: boolean;
}

const ARCHIVE_SUFFIXES = ['.tar.gz', '.tgz', '.tar', '.zip'] as const;

/** The last segment of a URL's path, refused when it could name anything but a plain file in the folder. */
function urlFileName(url: string, given: string | undefined, dir: string): string {
  let name = given;
  if (name === undefined) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new DownloadError(url, dir, 'not a valid URL', false);
    }
    const segs = parsed.pathname.split('/');
    name = decodeURIComponent(segs[segs.length - 1] ?? '');
  }
  if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name))
    throw new DownloadError(url, dir, `cannot cache it under the file name '${name}' (give fileName)`, false);
  return name;
}

function checkSha(url: string, cacheFile: string, sha256: string | undefined): string | undefined {
  if (sha256 === undefined) return undefined;
  const want = sha256.toLowerCase();
  if (!/^[0-9a-f]{1,64}$/.test(want))
    throw new DownloadError(url, cacheFile, `sha256 '${sha256}' is not a hex digest or prefix`, false);
  return want;
}

async function fileSha256(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

const tempSuffix = (): string => `.${process.pid}.${randomBytes(4).toString('hex')}.part`;

/**
 * Downloads `url` once into the cache folder and returns the cached file's path (fastai's `download_data`,
 * torch.hub's `download_url_to_file`). The file is written under a temporary name and renamed when complete and
 * its hash checked, so a partial download is never left as the file. A second call finds the file (with the right
 * hash when `sha256` is given) and makes no request. Throws {@link DownloadError} naming the URL and the cache file.
 *
 * @example
 * ```ts
 * const file = await downloadUrl('https://download.pytorch.org/models/resnet18-f37072fd.pth', { sha256: 'f37072fd' });
 * ```
 */
export async function downloadUrl(url: string, opts: DownloadOptions = {}): Promise<string> {
  const dir = resolve(opts.dir ?? join(tfaiHome(), 'downloads'));
  const cacheFile = join(dir, urlFileName(url, opts.fileName, dir));
  const want = checkSha(url, cacheFile, opts.sha256);
  if (await exists(cacheFile)) {
    if (want === undefined || (await fileSha256(cacheFile)).startsWith(want)) return cacheFile;
    // A stale or damaged cached file: fetch it again, and replace it only with a file of the right hash.
  }
  await mkdir(dir, { recursive: true });
  const temp = cacheFile + tempSuffix();
  try {
    let res: Response;
    try {
      res = await fetch(url, { redirect: 'follow' });
    } catch (e) {
      const cause = (e as { cause?: { message?: string } }).cause?.message ?? (e as Error).message;
      throw new DownloadError(url, cacheFile, `cannot reach the server (${cause}); offline?`);
    }
    if (!res.ok || res.body === null) {
      await res.body?.cancel();
      throw new DownloadError(url, cacheFile, `the server answered HTTP ${res.status} ${res.statusText}`.trimEnd());
    }
    const lengthHeader = res.headers.get('content-length');
    const total = lengthHeader === null ? undefined : Number(lengthHeader);
    // Core's fastprogress bar: redrawn on a terminal, a plain line every 30 s off one (a log shows life).
    const bar = progressBar(total !== undefined && Number.isFinite(total) ? total : 0, {
      label: `downloading ${cacheFile.slice(dir.length + 1)}`,
      unit: 'B',
      silent: opts.progress === false,
    });
    const hash = createHash('sha256');
    let done = 0;
    const counted = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>).map((chunk: Uint8Array) => {
      hash.update(chunk);
      done += chunk.length;
      bar.update(done);
      return chunk;
    });
    try {
      await pipeline(counted, createWriteStream(temp, { flags: 'wx' }));
    } catch (e) {
      bar.done();
      throw new DownloadError(
        url,
        cacheFile,
        `the download was interrupted after ${done}${total === undefined ? '' : ` of ${total}`} bytes (${(e as Error).message})`,
      );
    }
    bar.done();
    if (total !== undefined && Number.isFinite(total) && done !== total)
      throw new DownloadError(url, cacheFile, `the download is truncated: ${done} of ${total} bytes`);
    const got = hash.digest('hex');
    if (want !== undefined && !got.startsWith(want))
      throw new DownloadError(
        url,
        cacheFile,
        `hash mismatch: the downloaded file's sha256 is ${got}, expected ${want.length < 64 ? 'a digest starting with ' : ''}${want}`,
      );
    await rename(temp, cacheFile);
    return cacheFile;
  } finally {
    await rm(temp, { force: true });
  }
}

/** The folder name of an archive: its file name without `.tgz`/`.tar.gz`/`.tar`/`.zip` (fastai's `with_suffix('')`). */
function archiveStem(url: string, cacheFile: string, fileName: string): { stem: string; kind: 'tar' | 'zip' } {
  const lower = fileName.toLowerCase();
  const suffix = ARCHIVE_SUFFIXES.find((s) => lower.endsWith(s) && lower.length > s.length);
  if (suffix === undefined)
    throw new ArchiveError(
      url,
      cacheFile,
      `not an archive untarData extracts (names ending ${ARCHIVE_SUFFIXES.join(', ')})`,
    );
  return { stem: fileName.slice(0, fileName.length - suffix.length), kind: suffix === '.zip' ? 'zip' : 'tar' };
}

/** True when `target` (absolute) is `root` or inside it. */
function inside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** Checks one archive entry's path (and a link's target) stays inside `root`; the reason it does not, else undefined. */
function entryProblem(root: string, path: string, type: string, linkpath?: string): string | undefined {
  if (path === '' || isAbsolute(path) || /^[a-zA-Z]:/.test(path) || path.includes('\0')) return 'an absolute path';
  if (path.split(/[/\\]/).includes('..')) return "a '..' path (outside the folder)";
  const target = resolve(root, path);
  if (!inside(root, target)) return 'a path outside the folder';
  if (type === 'SymbolicLink') {
    if (linkpath === undefined || isAbsolute(linkpath)) return 'a symbolic link to an absolute path';
    if (!inside(root, resolve(dirname(target), linkpath))) return 'a symbolic link pointing outside the folder';
  } else if (type === 'Link') {
    if (linkpath === undefined || isAbsolute(linkpath) || !inside(root, resolve(root, linkpath)))
      return 'a hard link pointing outside the folder';
  } else if (!['File', 'OldFile', 'ContiguousFile', 'Directory'].includes(type)) return `an entry of type ${type}`;
  return undefined;
}

async function extractTar(url: string, archive: string, into: string): Promise<void> {
  // First pass: read every header and refuse the archive if any entry would escape (nothing is written).
  let bad: { entry: string; reason: string } | undefined;
  await tarList({
    file: archive,
    strict: true,
    onReadEntry: (e: ReadEntry) => {
      const reason = entryProblem(into, e.path, e.type, e.linkpath);
      if (reason !== undefined && bad === undefined) bad = { entry: e.path, reason };
      e.resume();
    },
  });
  if (bad !== undefined) throw new ArchiveError(url, archive, `refused: the archive holds ${bad.reason}`, bad.entry);
  // Second pass: extract, with the same check as a filter and tar's own protections on (no preservePaths).
  await tarExtract({
    file: archive,
    cwd: into,
    strict: true,
    preserveOwner: false,
    filter: (p: string, e: unknown) => {
      const re = e as ReadEntry;
      return entryProblem(into, p, re.type ?? 'File', re.linkpath) === undefined;
    },
  });
}

function openZip(path: string, decodeStrings: boolean): Promise<yauzl.ZipFile> {
  return new Promise((ok, fail) =>
    yauzl.open(
      path,
      { lazyEntries: true, autoClose: true, decodeStrings, strictFileNames: decodeStrings, validateEntrySizes: true },
      (err, zip) => (err || !zip ? fail(err ?? new Error('cannot open')) : ok(zip)),
    ),
  );
}

/** The first entry of a zip that would escape `into`, read from the central directory (nothing is written). */
async function zipProblem(
  url: string,
  archive: string,
  into: string,
): Promise<{ entry: string; reason: string } | undefined> {
  let zip: yauzl.ZipFile;
  try {
    // Raw names: yauzl's own name checks would stop at the first bad entry without saying which.
    zip = await openZip(archive, false);
  } catch (e) {
    throw new ArchiveError(url, archive, `not a readable zip archive (${(e as Error).message})`);
  }
  return new Promise((ok, fail) => {
    zip.on('error', (e: Error) => fail(new ArchiveError(url, archive, `corrupt zip archive (${e.message})`)));
    zip.on('end', () => ok(undefined));
    zip.on('entry', (entry: yauzl.Entry) => {
      const raw = entry.fileName as unknown as Buffer;
      const name = raw.toString(entry.generalPurposeBitFlag & 0x800 ? 'utf8' : 'latin1');
      const mode = (entry.externalFileAttributes >>> 16) & 0o170000;
      const reason =
        mode === 0o120000
          ? 'a symbolic link (not extracted from zip archives)'
          : entryProblem(into, name, name.endsWith('/') ? 'Directory' : 'File');
      if (reason !== undefined) {
        zip.close();
        ok({ entry: name, reason });
      } else zip.readEntry();
    });
    zip.readEntry();
  });
}

async function extractZip(url: string, archive: string, into: string): Promise<void> {
  const bad = await zipProblem(url, archive, into);
  if (bad !== undefined) throw new ArchiveError(url, archive, `refused: the archive holds ${bad.reason}`, bad.entry);
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(archive, true);
  } catch (e) {
    throw new ArchiveError(url, archive, `not a readable zip archive (${(e as Error).message})`);
  }
  await new Promise<void>((ok, fail) => {
    const failWith = (e: unknown): void => {
      zip.close();
      fail(e);
    };
    zip.on('error', (e: Error) => fail(new ArchiveError(url, archive, `corrupt zip archive (${e.message})`)));
    zip.on('end', () => ok());
    zip.on('entry', (entry: yauzl.Entry) => {
      const name = entry.fileName;
      const mode = (entry.externalFileAttributes >>> 16) & 0o170000;
      const isDir = name.endsWith('/');
      const type = mode === 0o120000 ? 'SymbolicLink' : isDir ? 'Directory' : 'File';
      const reason =
        type === 'SymbolicLink' ? 'a symbolic link (not extracted from zip archives)' : entryProblem(into, name, type);
      if (reason !== undefined)
        return failWith(new ArchiveError(url, archive, `refused: the archive holds ${reason}`, name));
      const target = resolve(into, name);
      const write = async (): Promise<void> => {
        if (isDir) {
          await mkdir(target, { recursive: true });
          return;
        }
        await mkdir(dirname(target), { recursive: true });
        const stream = await new Promise<Readable>((res, rej) =>
          zip.openReadStream(entry, (err, s) => (err || !s ? rej(err ?? new Error('no stream')) : res(s))),
        );
        await pipeline(stream, createWriteStream(target, { flags: 'wx' }));
        const mtime = entry.getLastModDate();
        await utimes(target, mtime, mtime).catch(() => undefined);
      };
      write().then(
        () => zip.readEntry(),
        (e: Error) => failWith(new ArchiveError(url, archive, `corrupt zip archive (${e.message})`, name)),
      );
    });
    zip.readEntry();
  });
}

/**
 * fastai's `untar_data`: downloads the archive at `url` once (into `<tfaiHome()>/archive`, with {@link downloadUrl}:
 * progress bar, hash check), extracts a `.tgz`/`.tar.gz`/`.tar`/`.zip` into `dest` (default `<tfaiHome()>/data`) and
 * returns the extracted folder, `<dest>/<archive name without its suffix>` (an archive holding one top folder has
 * that folder renamed to it). A second call finds the folder and downloads nothing. Extraction goes to a temporary
 * folder that is renamed when complete, so a failed download or extraction leaves nothing half-extracted; entries
 * that would escape the folder (`../`, absolute paths, links out) refuse the whole archive with an {@link ArchiveError}.
 *
 * @example
 * ```ts
 * const path = await untarData(URLs.MNIST_TINY); // ~/.cache/tfai/data/mnist_tiny
 * const dls = await ImageDataLoaders.fromFolder(path, { itemTfms: [new Resize(28)] });
 * ```
 */
export async function untarData(
  url: string,
  opts: { dest?: string; sha256?: string; progress?: boolean } = {},
): Promise<string> {
  const archiveDir = resolve(join(tfaiHome(), 'archive'));
  const fileName = urlFileName(url, undefined, archiveDir);
  const { stem, kind } = archiveStem(url, join(archiveDir, fileName), fileName);
  const dest = resolve(opts.dest ?? join(tfaiHome(), 'data'));
  const folder = join(dest, stem);
  if (await exists(folder)) return folder;
  const archive = await downloadUrl(url, { dir: archiveDir, fileName, sha256: opts.sha256, progress: opts.progress });
  await mkdir(dest, { recursive: true });
  const temp = join(dest, `.${stem}${tempSuffix()}`);
  await mkdir(temp);
  try {
    try {
      if (kind === 'zip') await extractZip(url, archive, temp);
      else await extractTar(url, archive, temp);
    } catch (e) {
      // A corrupt or refused archive is of no use in the cache: the next call downloads it again.
      await unlink(archive).catch(() => undefined);
      if (e instanceof ArchiveError) throw e;
      throw new ArchiveError(
        url,
        archive,
        `cannot extract the archive (${(e as Error).message}); it was removed, the next call downloads it again`,
      );
    }
    const top = await readdir(temp, { withFileTypes: true });
    const only = top.length === 1 && top[0].isDirectory() ? join(temp, top[0].name) : temp;
    try {
      await rename(only, folder);
    } catch (e) {
      // Another process finished first: its folder is as good as ours.
      if (!(await exists(folder))) throw e;
    }
    return folder;
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}
