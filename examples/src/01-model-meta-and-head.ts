// Chapter questionnaire: "What is model_meta? Try printing it to see what's inside." and "What information does
// create_head need? Print its output and explain each layer" — modelMeta for every architecture, then
// createHead(20, 2) (the chapter's call) layer by layer.
import { VISION_ARCHS, createHead, modelMeta } from '@tfai/vision/models';
import { answers, runIfMain, type Log } from './common.js';

/** What each layer type of a fastai head does (printed beside the layer). */
const ROLE: Record<string, string> = {
  AdaptiveConcatPool2d: 'max and average pool over the whole grid, concatenated: 2·nf features per image',
  AdaptiveAvgPool2d: 'average pool over the whole grid: nf features per image',
  Flatten: '[N, 1, 1, C] → [N, C] for the linear layers',
  BatchNorm1d: 'normalises each feature over the batch (learned scale and shift)',
  Dropout: 'zeroes features at random in training (probability p), against overfitting',
  Linear: 'the learned projection (no bias: a BatchNorm follows or precedes it)',
  ReLU: 'the non-linearity between the two linear layers',
};

export interface ModelMetaResult {
  archs: string[];
  headLayers: string[];
}

export async function main(log: Log): Promise<ModelMetaResult> {
  answers(
    log,
    'What is model_meta? Print it. What information does create_head need? Print its output and explain each layer.',
  );
  log('');
  log('modelMeta (fastai: model_meta[resnet34] → cut, split, stats):');
  const archs = Object.keys(VISION_ARCHS);
  for (const name of archs) {
    const m = modelMeta[name]!;
    const stats = m.stats ? `mean [${m.stats[0].join(', ')}], std [${m.stats[1].join(', ')}]` : 'none';
    const cut = m.cut === undefined ? 'pooling search' : String(m.cut);
    log(`  ${name.padEnd(15)} cut ${cut}  split ${m.split.name}  stats ${stats}`);
  }
  log("  cut -2: the body keeps every layer but the last two (a ResNet's pool and classifier); no cut: fastai's");
  log('  default rule, the body ends before the last child that holds a pooling layer (ConvNeXt, EfficientNet);');
  log('  split: the parameter groups for discriminative learning rates (a ResNet: stem+layer1+layer2, layer3+layer4,');
  log('  head; the default split: body, head);');
  log('  stats: the ImageNet normalisation the pretrained weights expect.');
  log('');
  log('createHead(20, 2): nf = 20 features out of the body, 2 classes (fastai: create_head(20, 2)):');
  const head = createHead(20, 2);
  for (const line of head.toString().split('\n')) log(line);
  log('');
  log('Each layer:');
  const headLayers = head.children().map((c) => c.typeName);
  head.children().forEach((c, i) => log(`  (${i}) ${c.typeName.padEnd(20)} ${ROLE[c.typeName] ?? ''}`));
  head.dispose();
  return { archs, headLayers };
}

await runIfMain(import.meta.url, main);
