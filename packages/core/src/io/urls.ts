// fastai's addresses (data only), apart from the downloader so any runtime may import them.

/**
 * fastai's data set and model addresses (`URLs` in `fastai/data/external.py`), for {@link untarData}. A frozen
 * object of strings, listed here as an enumeration so that each data set's description shows.
 *
 * @enum
 * @example
 * ```ts
 * const pets = await untarData(URLs.PETS); // ~/.cache/tfai/data/oxford-iiit-pet
 * ```
 */
export const URLs = Object.freeze({
  // main data sets
  /** UCI Adult census sample (`adult.csv`, ~32,500 rows): predict `salary` >=50k from 14 columns (tabular). */
  ADULT_SAMPLE: 'https://s3.amazonaws.com/fast-ai-sample/adult_sample.tgz',
  /** A sample of Biwi Kinect Head Pose: RGB frames with the head-centre point of each (image regression). */
  BIWI_SAMPLE: 'https://s3.amazonaws.com/fast-ai-sample/biwi_sample.tgz',
  /** CIFAR-10: 60,000 32×32 colour images of 10 classes, PNG files in `train/` and `test/` class folders. */
  CIFAR: 'https://s3.amazonaws.com/fast-ai-sample/cifar10.tgz',
  /** A sample of MS-COCO for object detection: images with bounding boxes in COCO JSON annotations. */
  COCO_SAMPLE: 'https://s3.amazonaws.com/fast-ai-coco/coco_sample.tgz',
  /** A tiny MS-COCO subset (~200 images, boxes in `train.json`) for object-detection tests. */
  COCO_TINY: 'https://s3.amazonaws.com/fast-ai-coco/coco_tiny.tgz',
  /** The numbers 1 to 9,999 written as English words (`train.txt`, `valid.txt`): fastbook's toy language model. */
  HUMAN_NUMBERS: 'https://s3.amazonaws.com/fast-ai-sample/human_numbers.tgz',
  /** IMDb movie reviews (Maas et al. 2011): 25,000 train + 25,000 test labelled pos/neg, 50,000 unlabelled (`unsup/`). */
  IMDB: 'https://s3.amazonaws.com/fast-ai-nlp/imdb.tgz',
  /** 1,000 IMDb reviews in one `texts.csv` (`label`, `text`, `is_valid`): sentiment classification. */
  IMDB_SAMPLE: 'https://s3.amazonaws.com/fast-ai-sample/imdb_sample.tgz',
  /** A MovieLens sample, `ratings.csv` (`userId`, `movieId`, `rating`, `timestamp`): collaborative filtering. */
  ML_SAMPLE: 'https://s3.amazonaws.com/fast-ai-sample/movie_lens_sample.tgz',
  /** MovieLens 100K (GroupLens, zip): 100,000 ratings 1–5 by 943 users of 1,682 movies (`u.data`, `u.item`). */
  ML_100k: 'http://files.grouplens.org/datasets/movielens/ml-100k.zip',
  /** The 3s and 7s of MNIST (28×28 PNG in `train/` and `valid/` folders, `labels.csv`): fastbook chapter 4. */
  MNIST_SAMPLE: 'https://s3.amazonaws.com/fast-ai-sample/mnist_sample.tgz',
  /** ~1,400 MNIST 3s and 7s (28×28 PNG in `train/`, `valid/`, `test/`, plus `labels.csv`): fastai's test set. */
  MNIST_TINY: 'https://s3.amazonaws.com/fast-ai-sample/mnist_tiny.tgz',
  /** MNIST_TINY with images of varying sizes, for testing resizing. */
  MNIST_VAR_SIZE_TINY: 'https://s3.amazonaws.com/fast-ai-imageclas/mnist_var_size_tiny.tgz',
  /** A sample of Kaggle's Planet (Amazon from space) satellite chips with space-separated tags in `labels.csv` (multi-label). */
  PLANET_SAMPLE: 'https://s3.amazonaws.com/fast-ai-sample/planet_sample.tgz',
  /** A tiny Planet set (~200 satellite chips, multi-label `labels.csv`) for multi-label tests. */
  PLANET_TINY: 'https://s3.amazonaws.com/fast-ai-sample/planet_tiny.tgz',
  /** Imagenette: 10 easily told apart ImageNet classes (~13,000 images, full size), `train/` and `val/` folders. */
  IMAGENETTE: 'https://s3.amazonaws.com/fast-ai-imageclas/imagenette2.tgz',
  /** Imagenette with each image's shortest side resized to 160 px. */
  IMAGENETTE_160: 'https://s3.amazonaws.com/fast-ai-imageclas/imagenette2-160.tgz',
  /** Imagenette with each image's shortest side resized to 320 px. */
  IMAGENETTE_320: 'https://s3.amazonaws.com/fast-ai-imageclas/imagenette2-320.tgz',
  /** Imagewoof: 10 hard-to-tell dog breeds of ImageNet (~13,000 images, full size), `train/` and `val/` folders. */
  IMAGEWOOF: 'https://s3.amazonaws.com/fast-ai-imageclas/imagewoof2.tgz',
  /** Imagewoof with each image's shortest side resized to 160 px. */
  IMAGEWOOF_160: 'https://s3.amazonaws.com/fast-ai-imageclas/imagewoof2-160.tgz',
  /** Imagewoof with each image's shortest side resized to 320 px. */
  IMAGEWOOF_320: 'https://s3.amazonaws.com/fast-ai-imageclas/imagewoof2-320.tgz',
  /** Imagewang: Imagenette and Imagewoof images plus an `unsup/` folder of unlabelled ones, for semi-supervised learning. */
  IMAGEWANG: 'https://s3.amazonaws.com/fast-ai-imageclas/imagewang.tgz',
  /** Imagewang with each image's shortest side resized to 160 px. */
  IMAGEWANG_160: 'https://s3.amazonaws.com/fast-ai-imageclas/imagewang-160.tgz',
  /** Imagewang with each image's shortest side resized to 320 px. */
  IMAGEWANG_320: 'https://s3.amazonaws.com/fast-ai-imageclas/imagewang-320.tgz',
  /** Kaggle Dogs vs. Cats (2013): ~25,000 photos in `train/` and `valid/` folders `cats/` and `dogs/`. */
  DOGS: 'https://s3.amazonaws.com/fast-ai-sample/dogscats.tgz',
  // image classification
  /** Caltech 101: ~9,000 images of 101 object categories plus a background class, one folder per class. */
  CALTECH_101: 'https://s3.amazonaws.com/fast-ai-imageclas/caltech_101.tgz',
  /** Stanford Cars: 16,185 images of 196 car makes, models and years. */
  CARS: 'https://s3.amazonaws.com/fast-ai-imageclas/stanford-cars.tgz',
  /** CIFAR-100: 60,000 32×32 colour images of 100 classes (20 superclasses). */
  CIFAR_100: 'https://s3.amazonaws.com/fast-ai-imageclas/cifar100.tgz',
  /** Caltech-UCSD Birds-200-2011: 11,788 images of 200 bird species, with boxes, parts and attributes. */
  CUB_200_2011: 'https://s3.amazonaws.com/fast-ai-imageclas/CUB_200_2011.tgz',
  /** Oxford 102 Flowers: 8,189 images of 102 flower species. */
  FLOWERS: 'https://s3.amazonaws.com/fast-ai-imageclas/oxford-102-flowers.tgz',
  /** Food-101: 101,000 images of 101 dishes (750 train + 250 test each). */
  FOOD: 'https://s3.amazonaws.com/fast-ai-imageclas/food-101.tgz',
  /** The full MNIST as PNG: 70,000 28×28 handwritten digits in `training/` and `testing/` class folders. */
  MNIST: 'https://s3.amazonaws.com/fast-ai-imageclas/mnist_png.tgz',
  /** Oxford-IIIT Pet: 7,349 photos of 37 cat and dog breeds (breed in the file name) and segmentation trimaps. */
  PETS: 'https://s3.amazonaws.com/fast-ai-imageclas/oxford-iiit-pet.tgz',
  // NLP
  /** AG's News topics (CSV): 120,000 train + 7,600 test news articles in 4 classes. */
  AG_NEWS: 'https://s3.amazonaws.com/fast-ai-nlp/ag_news_csv.tgz',
  /** Amazon reviews, full (CSV): 3,000,000 train + 650,000 test reviews rated 1–5 stars. */
  AMAZON_REVIEWS: 'https://s3.amazonaws.com/fast-ai-nlp/amazon_review_full_csv.tgz',
  /** Amazon reviews, polarity (CSV): 3,600,000 train + 400,000 test reviews, positive or negative. */
  AMAZON_REVIEWS_POLARITY: 'https://s3.amazonaws.com/fast-ai-nlp/amazon_review_polarity_csv.tgz',
  /** DBpedia ontology (CSV): 560,000 train + 70,000 test Wikipedia abstracts in 14 classes. */
  DBPEDIA: 'https://s3.amazonaws.com/fast-ai-nlp/dbpedia_csv.tgz',
  /** Giga-Fren: ~22 million English–French sentence pairs (WMT 2009), for translation. */
  MT_ENG_FRA: 'https://s3.amazonaws.com/fast-ai-nlp/giga-fren.tgz',
  /** Sogou news (CSV, Chinese romanised as pinyin): 450,000 train + 60,000 test articles in 5 classes. */
  SOGOU_NEWS: 'https://s3.amazonaws.com/fast-ai-nlp/sogou_news_csv.tgz',
  /** WikiText-103: ~103 million tokens of good and featured Wikipedia articles, for language models. */
  WIKITEXT: 'https://s3.amazonaws.com/fast-ai-nlp/wikitext-103.tgz',
  /** WikiText-2 as `train.csv` and `test.csv` of articles (~2 million tokens): a small language-model corpus. */
  WIKITEXT_TINY: 'https://s3.amazonaws.com/fast-ai-nlp/wikitext-2.tgz',
  /** Yahoo! Answers (CSV): 1,400,000 train + 60,000 test questions with answers in 10 topics. */
  YAHOO_ANSWERS: 'https://s3.amazonaws.com/fast-ai-nlp/yahoo_answers_csv.tgz',
  /** Yelp reviews, full (CSV): 650,000 train + 50,000 test reviews rated 1–5 stars. */
  YELP_REVIEWS: 'https://s3.amazonaws.com/fast-ai-nlp/yelp_review_full_csv.tgz',
  /** Yelp reviews, polarity (CSV): 560,000 train + 38,000 test reviews, positive or negative. */
  YELP_REVIEWS_POLARITY: 'https://s3.amazonaws.com/fast-ai-nlp/yelp_review_polarity_csv.tgz',
  // image localisation and segmentation
  /** Biwi Kinect Head Pose: ~15,000 Kinect frames of 20 people with the head's position and rotation (fastbook chapter 6). */
  BIWI_HEAD_POSE: 'https://s3.amazonaws.com/fast-ai-imagelocal/biwi_head_pose.tgz',
  /** CamVid: 701 road-scene frames segmented into 32 classes (`images/`, `labels/`, `codes.txt`, `valid.txt`). */
  CAMVID: 'https://s3.amazonaws.com/fast-ai-imagelocal/camvid.tgz',
  /** 100 CamVid frames with their masks and `codes.txt`: a small segmentation set. */
  CAMVID_TINY: 'https://s3.amazonaws.com/fast-ai-sample/camvid_tiny.tgz',
  /** LSUN bedroom scenes: unlabelled photos, the data of fastai's GAN examples. */
  LSUN_BEDROOMS: 'https://s3.amazonaws.com/fast-ai-imageclas/bedroom.tgz',
  /** PASCAL VOC 2007 with fastai's JSON annotations: ~5,000 train+val images with boxes of 20 classes. */
  PASCAL_2007: 'https://s3.amazonaws.com/fast-ai-imagelocal/pascal_2007.tgz',
  /** PASCAL VOC 2012 with fastai's JSON annotations: ~11,500 train+val images with boxes of 20 classes. */
  PASCAL_2012: 'https://s3.amazonaws.com/fast-ai-imagelocal/pascal_2012.tgz',
  // audio
  /** Macaque coo calls (zip of WAV clips) labelled by the individual monkey (8 of them): audio classification. */
  MACAQUES: 'https://storage.googleapis.com/ml-animal-sounds-datasets/macaques.zip',
  /** Zebra finch vocalisations (zip of WAV clips) labelled by call type: audio classification. */
  ZEBRA_FINCH: 'https://storage.googleapis.com/ml-animal-sounds-datasets/zebra_finch.zip',
  // medical imaging
  /** 250 chest X-ray DICOM files of SIIM-ACR Pneumothorax with `labels.csv`: fastai's medical imaging tutorial. */
  SIIM_SMALL: 'https://s3.amazonaws.com/fast-ai-imagelocal/siim_small.tgz',
  // pretrained models (fastai's model zoo)
  /** OpenAI's 2018 GPT transformer, pretrained weights in fastai's format. */
  OPENAI_TRANSFORMER: 'https://s3.amazonaws.com/fast-ai-modelzoo/transformer.tgz',
  /** fastai's AWD-LSTM pretrained on WikiText-103 (forward): weights and vocab, what fastai's pretrained text learners load. */
  WT103_FWD: 'https://s3.amazonaws.com/fast-ai-modelzoo/wt103-fwd.tgz',
  /** fastai's AWD-LSTM pretrained on WikiText-103 backwards (reversed text): weights and vocab. */
  WT103_BWD: 'https://s3.amazonaws.com/fast-ai-modelzoo/wt103-bwd.tgz',
} as const);
