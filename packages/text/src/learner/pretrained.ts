// fastai 2.7's pretrained language model for ULMFiT: the WikiText-103 AWD-LSTM of fastai's model zoo
// (`URLs.WT103_FWD`, an archive of `lstm_fwd.pth` and `itos_wt103.pkl`), and `TextLearner.load_pretrained`:
// the pickled vocab, the weights (unwrapping `'model'` of a `{model, opt}` checkpoint), `match_embeds` from the old
// vocab to the data's, `clean_raw_keys`, then `load_ignore_keys` (parameters in order, names ignored). Read with
// core's loadTorch and loadPickle: no Python, nothing from the files runs.
import * as tf from '@tensorflow/tfjs-core';
import { URLs, loadPickle, loadTorch, tfaiHome, untarData } from '@tfai/core/io';
import type { AnyModule } from '@tfai/core/nn';
import { TextInputError } from '../errors.js';
import { matchEmbeds } from './encoder.js';
import { envVar, join, readdir } from '@tfai/core/internal';

/**
 * fastai's model-zoo URL of the forward WikiText-103 AWD-LSTM (`URLs.WT103_FWD`). `$TFAI_FASTAI_URL` replaces its
 * `https://s3.amazonaws.com` origin (a mirror, or a local server in tests).
 * @example
 * ```ts
 * wt103Url(); // 'https://s3.amazonaws.com/fast-ai-modelzoo/wt103-fwd.tgz'
 * ```
 */
export function wt103Url(backwards = false): string {
  const url = backwards ? URLs.WT103_BWD : URLs.WT103_FWD;
  const base = envVar('TFAI_FASTAI_URL');
  return base ? url.replace(/^https:\/\/s3\.amazonaws\.com/, base.replace(/\/$/, '')) : url;
}

/**
 * Downloads (once) and extracts fastai's WT103 archive into `$TFAI_HOME/models` (fastai's `untar_data(url,
 * c_key='model')`), and returns its `.pth` weights and `.pkl` vocab, as fastai globs them.
 * @example
 * ```ts
 * const [pth, pkl] = await wt103Files(); // ~/.cache/tfai/models/wt103-fwd/lstm_fwd.pth, …/itos_wt103.pkl
 * ```
 */
export async function wt103Files(opts: { backwards?: boolean; progress?: boolean } = {}): Promise<[string, string]> {
  const folder = await untarData(wt103Url(opts.backwards), {
    dest: join(tfaiHome(), 'models'),
    progress: opts.progress,
  });
  const files = (await readdir(folder)).sort();
  const pth = files.find((f) => f.endsWith('.pth'));
  const pkl = files.find((f) => f.endsWith('.pkl'));
  if (!pth || !pkl)
    throw new TextInputError(
      `${folder}: the pretrained model is incomplete (needs a .pth and a .pkl); remove the folder to download it again`,
    );
  return [join(folder, pth), join(folder, pkl)];
}

/** fastai's `_rm_module`: drops the last `module` component of a key. */
function rmModule(k: string): string {
  const t = k.split('.');
  const i = t.lastIndexOf('module');
  if (i >= 0) t.splice(i, 1);
  return t.join('.');
}

/**
 * fastai's `clean_raw_keys`: drops the weight-dropped copies (`rnns.0.module.weight_hh_l0`) of older checkpoints
 * when the raw weight (`rnns.0.weight_hh_l0_raw`) is there.
 * @example
 * ```ts
 * cleanRawKeys(['0.rnns.0.weight_hh_l0_raw', '0.rnns.0.module.weight_hh_l0']); // ['0.rnns.0.weight_hh_l0_raw']
 * ```
 */
export function cleanRawKeys(keys: readonly string[]): string[] {
  const all = new Set(keys);
  return keys.filter((k) => !all.has(`${rmModule(k)}_raw`));
}

/** What {@link loadPretrainedLm} did: how many of the new vocab's tokens the old vocab had. */
export interface LoadPretrainedResult {
  /** Tokens of the new vocab found in the pretrained vocab (their embedding rows were copied; the others get the mean row). */
  matched: number;
  /** Size of the pretrained model's vocab. */
  oldVocabSize: number;
}

/**
 * fastai's `TextLearner.load_pretrained(wgts_fname, vocab_fname)` on a language model: reads the vocab pickle and
 * the checkpoint (either PyTorch format; `'model'` unwrapped), remaps the embedding and decoder from the old vocab
 * to `vocab` (`match_embeds`), drops raw-weight duplicates (`clean_raw_keys`) and loads the parameters in order
 * (`load_ignore_keys`: names ignored, shapes checked). Leaves no tensor behind.
 * @example
 * ```ts
 * await loadPretrainedLm(learn.model, learn.dls.textVocab, 'lstm_fwd.pth', 'itos_wt103.pkl');
 * ```
 */
export async function loadPretrainedLm(
  model: AnyModule,
  vocab: readonly string[],
  wgtsFname: string,
  vocabFname: string,
): Promise<LoadPretrainedResult> {
  const oldVocab = await loadPickle(vocabFname);
  if (!Array.isArray(oldVocab) || !oldVocab.every((w) => typeof w === 'string'))
    throw new TextInputError(`${vocabFname}: not a pickled list of str (fastai's itos)`);
  const itos = oldVocab as string[];
  const ckpt = await loadTorch(wgtsFname);
  const value = ckpt.value;
  const hasModel =
    typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, 'model');
  const host = ckpt.stateDict(hasModel ? 'model' : undefined);
  const keys = cleanRawKeys(Object.keys(host));
  const created: tf.Tensor[] = [];
  try {
    const sd: Record<string, tf.Tensor> = {};
    for (const k of keys) created.push((sd[k] = host[k].toTensor(k)));
    let matched: Record<string, tf.Tensor>;
    try {
      matched = matchEmbeds(sd, itos, vocab);
    } catch (e) {
      throw new TextInputError(`${wgtsFname}: ${(e as Error).message}`);
    }
    for (const t of Object.values(matched)) if (!created.includes(t)) created.push(t);
    // load_ignore_keys: the model's keys and the checkpoint's, paired in order.
    const mine = model.stateDict();
    const names = Object.keys(mine);
    tf.dispose(Object.values(mine));
    if (names.length !== keys.length)
      throw new TextInputError(
        `${wgtsFname}: ${keys.length} tensors after clean_raw_keys, but the model has ${names.length} (${names.slice(0, 3).join(', ')}…): not this architecture or size`,
      );
    const byOrder: Record<string, tf.Tensor> = {};
    names.forEach((n, i) => (byOrder[n] = matched[keys[i]]));
    try {
      model.loadStateDict(byOrder, { strict: true });
    } catch (e) {
      throw new TextInputError(`${wgtsFname}: does not fit this language model (${(e as Error).message})`);
    }
    const old = new Set(itos);
    return { matched: vocab.filter((w) => old.has(w)).length, oldVocabSize: itos.length };
  } finally {
    tf.dispose(created);
  }
}
