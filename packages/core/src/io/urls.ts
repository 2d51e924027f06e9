// fastai's addresses (data only), apart from the downloader so any runtime may import them.

/**
 * fastai's data set and model addresses (`URLs` in `fastai/data/external.py`), for {@link untarData}.
 *
 * @example
 * ```ts
 * const pets = await untarData(URLs.PETS); // ~/.cache/tfai/data/oxford-iiit-pet
 * ```
 */
export const URLs = Object.freeze({
  // main data sets
  ADULT_SAMPLE: 'https://s3.amazonaws.com/fast-ai-sample/adult_sample.tgz',
  BIWI_SAMPLE: 'https://s3.amazonaws.com/fast-ai-sample/biwi_sample.tgz',
  CIFAR: 'https://s3.amazonaws.com/fast-ai-sample/cifar10.tgz',
  COCO_SAMPLE: 'https://s3.amazonaws.com/fast-ai-coco/coco_sample.tgz',
  COCO_TINY: 'https://s3.amazonaws.com/fast-ai-coco/coco_tiny.tgz',
  HUMAN_NUMBERS: 'https://s3.amazonaws.com/fast-ai-sample/human_numbers.tgz',
  IMDB: 'https://s3.amazonaws.com/fast-ai-nlp/imdb.tgz',
  IMDB_SAMPLE: 'https://s3.amazonaws.com/fast-ai-sample/imdb_sample.tgz',
  ML_SAMPLE: 'https://s3.amazonaws.com/fast-ai-sample/movie_lens_sample.tgz',
  ML_100k: 'http://files.grouplens.org/datasets/movielens/ml-100k.zip',
  MNIST_SAMPLE: 'https://s3.amazonaws.com/fast-ai-sample/mnist_sample.tgz',
  MNIST_TINY: 'https://s3.amazonaws.com/fast-ai-sample/mnist_tiny.tgz',
  MNIST_VAR_SIZE_TINY: 'https://s3.amazonaws.com/fast-ai-imageclas/mnist_var_size_tiny.tgz',
  PLANET_SAMPLE: 'https://s3.amazonaws.com/fast-ai-sample/planet_sample.tgz',
  PLANET_TINY: 'https://s3.amazonaws.com/fast-ai-sample/planet_tiny.tgz',
  IMAGENETTE: 'https://s3.amazonaws.com/fast-ai-imageclas/imagenette2.tgz',
  IMAGENETTE_160: 'https://s3.amazonaws.com/fast-ai-imageclas/imagenette2-160.tgz',
  IMAGENETTE_320: 'https://s3.amazonaws.com/fast-ai-imageclas/imagenette2-320.tgz',
  IMAGEWOOF: 'https://s3.amazonaws.com/fast-ai-imageclas/imagewoof2.tgz',
  IMAGEWOOF_160: 'https://s3.amazonaws.com/fast-ai-imageclas/imagewoof2-160.tgz',
  IMAGEWOOF_320: 'https://s3.amazonaws.com/fast-ai-imageclas/imagewoof2-320.tgz',
  IMAGEWANG: 'https://s3.amazonaws.com/fast-ai-imageclas/imagewang.tgz',
  IMAGEWANG_160: 'https://s3.amazonaws.com/fast-ai-imageclas/imagewang-160.tgz',
  IMAGEWANG_320: 'https://s3.amazonaws.com/fast-ai-imageclas/imagewang-320.tgz',
  DOGS: 'https://s3.amazonaws.com/fast-ai-sample/dogscats.tgz',
  // image classification
  CALTECH_101: 'https://s3.amazonaws.com/fast-ai-imageclas/caltech_101.tgz',
  CARS: 'https://s3.amazonaws.com/fast-ai-imageclas/stanford-cars.tgz',
  CIFAR_100: 'https://s3.amazonaws.com/fast-ai-imageclas/cifar100.tgz',
  CUB_200_2011: 'https://s3.amazonaws.com/fast-ai-imageclas/CUB_200_2011.tgz',
  FLOWERS: 'https://s3.amazonaws.com/fast-ai-imageclas/oxford-102-flowers.tgz',
  FOOD: 'https://s3.amazonaws.com/fast-ai-imageclas/food-101.tgz',
  MNIST: 'https://s3.amazonaws.com/fast-ai-imageclas/mnist_png.tgz',
  PETS: 'https://s3.amazonaws.com/fast-ai-imageclas/oxford-iiit-pet.tgz',
  // NLP
  AG_NEWS: 'https://s3.amazonaws.com/fast-ai-nlp/ag_news_csv.tgz',
  AMAZON_REVIEWS: 'https://s3.amazonaws.com/fast-ai-nlp/amazon_review_full_csv.tgz',
  AMAZON_REVIEWS_POLARITY: 'https://s3.amazonaws.com/fast-ai-nlp/amazon_review_polarity_csv.tgz',
  DBPEDIA: 'https://s3.amazonaws.com/fast-ai-nlp/dbpedia_csv.tgz',
  MT_ENG_FRA: 'https://s3.amazonaws.com/fast-ai-nlp/giga-fren.tgz',
  SOGOU_NEWS: 'https://s3.amazonaws.com/fast-ai-nlp/sogou_news_csv.tgz',
  WIKITEXT: 'https://s3.amazonaws.com/fast-ai-nlp/wikitext-103.tgz',
  WIKITEXT_TINY: 'https://s3.amazonaws.com/fast-ai-nlp/wikitext-2.tgz',
  YAHOO_ANSWERS: 'https://s3.amazonaws.com/fast-ai-nlp/yahoo_answers_csv.tgz',
  YELP_REVIEWS: 'https://s3.amazonaws.com/fast-ai-nlp/yelp_review_full_csv.tgz',
  YELP_REVIEWS_POLARITY: 'https://s3.amazonaws.com/fast-ai-nlp/yelp_review_polarity_csv.tgz',
  // image localisation and segmentation
  BIWI_HEAD_POSE: 'https://s3.amazonaws.com/fast-ai-imagelocal/biwi_head_pose.tgz',
  CAMVID: 'https://s3.amazonaws.com/fast-ai-imagelocal/camvid.tgz',
  CAMVID_TINY: 'https://s3.amazonaws.com/fast-ai-sample/camvid_tiny.tgz',
  LSUN_BEDROOMS: 'https://s3.amazonaws.com/fast-ai-imageclas/bedroom.tgz',
  PASCAL_2007: 'https://s3.amazonaws.com/fast-ai-imagelocal/pascal_2007.tgz',
  PASCAL_2012: 'https://s3.amazonaws.com/fast-ai-imagelocal/pascal_2012.tgz',
  // audio
  MACAQUES: 'https://storage.googleapis.com/ml-animal-sounds-datasets/macaques.zip',
  ZEBRA_FINCH: 'https://storage.googleapis.com/ml-animal-sounds-datasets/zebra_finch.zip',
  // medical imaging
  SIIM_SMALL: 'https://s3.amazonaws.com/fast-ai-imagelocal/siim_small.tgz',
  // pretrained models (fastai's model zoo)
  OPENAI_TRANSFORMER: 'https://s3.amazonaws.com/fast-ai-modelzoo/transformer.tgz',
  WT103_FWD: 'https://s3.amazonaws.com/fast-ai-modelzoo/wt103-fwd.tgz',
  WT103_BWD: 'https://s3.amazonaws.com/fast-ai-modelzoo/wt103-bwd.tgz',
} as const);
