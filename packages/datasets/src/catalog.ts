// What each data set is, where it comes from and under which licence (the table of the package README).
// `files` and `bytes` are the folder's totals; a test keeps them equal to the files shipped.

/** A data set's modality, as `list()` reports it. */
export type Modality = 'image classification' | 'segmentation' | 'text' | 'tabular' | 'collaborative filtering';

/**
 * One data set of the package: its name (the folder under `data/`), what it holds, its provenance and licence.
 *
 * @example
 * ```ts
 * const info: DatasetInfo = list().find((d) => d.name === 'titanic')!;
 * info.licence; // 'GPL-2+ (package); data from F. Harrell's titanic3'
 * ```
 */
export interface DatasetInfo {
  /** Folder name under the package's `data/`, and the name `path()` takes. */
  readonly name: string;
  /** The kind of data: image classification, segmentation, text, tabular or collaborative filtering. */
  readonly modality: Modality;
  /** The task it suits (`'classification, 10 classes'`, `'regression'`, `'language modelling'`…). */
  readonly task: string;
  /** What the folder holds (files, columns, splits). */
  readonly content: string;
  /** Human-readable size (items and megabytes). */
  readonly size: string;
  /** Number of files in the folder. */
  readonly files: number;
  /** Total bytes of those files. */
  readonly bytes: number;
  /** Where the data come from: the Debian package or library and the path inside it. */
  readonly source: string;
  /** The data's licence, and the package's when it differs (as the README's table states it). */
  readonly licence: string;
}

export const CATALOG: readonly DatasetInfo[] = Object.freeze([
  {
    name: 'fashion_mnist',
    modality: 'image classification',
    task: 'classification, 10 classes (grayscale 28×28); siamese pairs',
    content:
      'Zalando Fashion-MNIST: the first 300 per class of the train file as train/<class>/, the first 100 per class of t10k as valid/<class>/; labels.csv (name,label,is_valid); siamese_pairs.csv (img_a,img_b,same,is_valid)',
    size: '4,000 PNG, 2.4 MB',
    files: 4002,
    bytes: 2369611,
    source:
      'Debian dataset-fashion-mnist 0.0~git20200523 (/usr/share/datasets/fashion-mnist/*.gz, the full 70k in IDX format)',
    licence: 'MIT',
  },
  {
    name: 'tux_photos',
    modality: 'image classification',
    task: 'classification, 7 classes (RGB, ≤128 px); siamese pairs',
    content:
      'real photo cut-outs (objects on white): mammal 65, bird 35, fruit 26, flower 25, vegetable 18, fish 11, insect 9 (the insect folder includes snails, spiders, shrimp-like animals); labels.csv; siamese_pairs.csv',
    size: '189 PNG, 2.5 MB',
    files: 191,
    bytes: 2499059,
    source:
      'Debian tuxpaint-stamps-default 2022.06.04 (/usr/share/tuxpaint/stamps/{animals,food,plants}/…/*.png; the cartoon drawings left out)',
    licence: 'GPL-2',
  },
  {
    name: 'brain_aal',
    modality: 'segmentation',
    task: 'segmentation (real): 116 regions + background, or 7 lobes + background',
    content:
      '144 axial slices of the Colin27 "ch2" T1 MRI (181×217, 8-bit) in images/, the AAL atlas labels of the same brain in labels/ (codes.txt) and merged into lobes in labels_lobes/ (codes_lobes.txt; the merge is ours); slices.csv',
    size: '144 × 3 PNG, 2.7 MB',
    files: 435,
    bytes: 2678371,
    source: 'Debian mricron-data 1.2.20211006 (/usr/share/mricron/templates/ch2.nii.gz, aal.nii.gz, aal.nii.txt)',
    licence:
      'Debian lists the package as BSD-3 (MRIcron). The Colin27 template and AAL (Tzourio-Mazoyer 2002) are freely redistributed for research; cite them',
  },
  {
    name: 'tux_seg',
    modality: 'segmentation',
    task: 'segmentation (semi-synthetic): background + 7 classes',
    content:
      'each tux_photos cut-out pasted at a random spot on a random 160×160 crop of a real photo (skimage grass/gravel/brick textures, sklearn china.jpg); the mask is the stamp’s hand-made alpha channel with pixel value = class (codes.txt); pairs.csv',
    size: '189 pairs, 7.8 MB',
    files: 380,
    bytes: 7834903,
    source: 'as tux_photos, plus python3-skimage (CC0 textures) and python3-sklearn (datasets/images/china.jpg)',
    licence: 'GPL-2 / CC0 / CC BY 2.0',
  },
  {
    name: 'amazon_fine_foods',
    modality: 'text',
    task: 'text classification, binary',
    content: 'reviews.csv: label (great/other), text, product, is_valid (4,000 train / 1,000 test, as in the package)',
    size: '5,000 rows, 2.1 MB',
    files: 1,
    bytes: 2146764,
    source: 'Debian r-cran-modeldata 1.1.0 (training_data, testing_data, also called small_fine_foods)',
    licence: 'MIT (modeldata). Data: SNAP Amazon Fine Foods (McAuley & Leskovec)',
  },
  {
    name: 'jane_austen',
    modality: 'text',
    task: 'language modelling, or classification by book',
    content: "austen.csv: Jane Austen's 6 novels, one row per paragraph (book,text)",
    size: '10,298 rows, 4.2 MB',
    files: 1,
    bytes: 4217284,
    source: 'Debian r-cran-janeaustenr 1.0.0',
    licence: 'MIT (package); the texts are public domain (Project Gutenberg)',
  },
  {
    name: 'fortunes',
    modality: 'text',
    task: 'short-text classification, 8 classes',
    content:
      'fortunes.csv: label (computers 1051, politics 703, science 625, startrek 227, law 206, education 203, food 198, sports 147), text, is_valid',
    size: '3,360 rows, 0.7 MB',
    files: 1,
    bytes: 734343,
    source: 'Debian fortunes 1:1.99.1-7.3 (/usr/share/games/fortunes/<cat>)',
    licence: 'BSD (fortune-mod; Debian’s "non-offensive" set)',
  },
  {
    name: 'penguins',
    modality: 'tabular',
    task: 'classification (categorical + continuous, NAs)',
    content: 'penguins.csv: species ~ island, bill, flipper, mass, sex, year',
    size: '344 × 8, 0.02 MB',
    files: 1,
    bytes: 17261,
    source: 'Debian r-cran-palmerpenguins 0.1.1',
    licence: 'CC0',
  },
  {
    name: 'titanic',
    modality: 'tabular',
    task: 'classification',
    content: 'titanic.csv: pclass,survived,sex,age,sibsp,parch (age has NAs)',
    size: '1,309 × 6, 0.04 MB',
    files: 1,
    bytes: 37880,
    source: 'Debian r-cran-vcdextra 0.8-2 (Titanicp)',
    licence: "GPL-2+ (package); data from F. Harrell's titanic3",
  },
  {
    name: 'credit_data',
    modality: 'tabular',
    task: 'classification (categorical + continuous, NAs)',
    content:
      'credit_data.csv: Status good/bad ~ Seniority, Home, Time, Age, Marital, Records, Job, Expenses, Income, Assets, Debt, Amount, Price',
    size: '4,454 × 14, 0.3 MB',
    files: 1,
    bytes: 310198,
    source: 'Debian r-cran-modeldata 1.1.0',
    licence: 'MIT',
  },
  {
    name: 'ames',
    modality: 'tabular',
    task: 'regression (many categoricals)',
    content: 'ames.csv: Ames housing (De Cock 2011), Sale_Price + 73 features (about 40 categorical)',
    size: '2,930 × 74, 1.5 MB',
    files: 1,
    bytes: 1503718,
    source: 'Debian r-cran-modeldata 1.1.0',
    licence: 'MIT',
  },
  {
    name: 'diamonds',
    modality: 'tabular',
    task: 'regression (ordered categoricals), benchmark size',
    content: 'diamonds.csv: price ~ carat, cut, color, clarity, depth, table, x, y, z',
    size: '53,940 × 10, 2.8 MB',
    files: 1,
    bytes: 2772143,
    source: 'Debian r-cran-ggplot2 3.4.1',
    licence: 'MIT (ggplot2)',
  },
  {
    name: 'insteval',
    modality: 'collaborative filtering',
    task: 'ratings 1–5 (+ side information)',
    content:
      'ratings.csv: ETH Zurich lecture evaluations (anonymised): user (student) rates item (lecturer) with rating 1–5; covariates studage, lectage, service, dept as integer codes; is_valid = every 5th row; one rating per user–item pair, no timestamp',
    size: '73,421 ratings, 2,972 users, 1,128 items, 1.9 MB',
    files: 1,
    bytes: 1856381,
    source: 'Debian r-cran-lme4 1.1-31 (/usr/lib/R/site-library/lme4/data/Rdata.rdb, object InstEval)',
    licence:
      'GPL-2+ (lme4). Cite Bates, Mächler, Bolker & Walker (2015), "Fitting Linear Mixed-Effects Models Using lme4", J. Stat. Softw. 67(1), doi:10.18637/jss.v067.i01',
  },
]);
