import { describe, expect, it } from 'vitest';
import { main } from './01-model-meta-and-head.js';

describe('01 modelMeta and createHead', () => {
  it('prints the meta of every architecture and the nine layers of createHead(20, 2)', async () => {
    const lines: string[] = [];
    const r = await main((l) => lines.push(l));
    expect(lines[0]).toMatch(/^Answers: What is model_meta\?/);
    // fastai 2.7's model_meta families (ResNet, XResNet, SqueezeNet, DenseNet, VGG-BN, AlexNet) and torchvision's
    // ConvNeXt and EfficientNet, which fastai's default rule cuts and splits.
    const resnets = ['resnet18', 'resnet34', 'resnet50', 'resnet101', 'resnet152'];
    expect([...r.archs].sort()).toEqual(
      [
        ...resnets,
        ...['xresnet18', 'xresnet34', 'xresnet50', 'xresnet101', 'xresnet152'],
        ...['squeezenet1_0', 'squeezenet1_1', 'densenet121', 'densenet161', 'densenet169', 'densenet201'],
        ...['vgg11_bn', 'vgg13_bn', 'vgg16_bn', 'vgg19_bn', 'alexnet'],
        ...['convnext_tiny', 'convnext_small', 'convnext_base'],
        ...['efficientnet_b0', 'efficientnet_b1', 'efficientnet_b2', 'efficientnet_b3'],
      ].sort(),
    );
    const line = (a: string, meta: string) =>
      lines.some((l) => l.startsWith(`  ${a.padEnd(15)} ${meta}  stats mean [0.485, 0.456, 0.406]`));
    for (const a of resnets) expect(line(a, 'cut -2  split resnetSplit'), a).toBe(true);
    expect(line('xresnet50', 'cut -4  split xresnetSplit')).toBe(true);
    expect(line('densenet121', 'cut -1  split densenetSplit')).toBe(true);
    expect(line('vgg16_bn', 'cut -2  split vggSplit')).toBe(true);
    expect(line('convnext_tiny', 'cut pooling search  split defaultSplit')).toBe(true);
    expect(r.headLayers).toEqual([
      'AdaptiveConcatPool2d',
      'Flatten',
      'BatchNorm1d',
      'Dropout',
      'Linear',
      'ReLU',
      'BatchNorm1d',
      'Dropout',
      'Linear',
    ]);
    // PyTorch's printout: 40 = 2·20 features from the concat pool, 512 hidden, 2 outputs.
    expect(lines.some((l) => l.startsWith('  (2): BatchNorm1d(40, '))).toBe(true);
    expect(lines).toContain('  (4): Linear(in_features=40, out_features=512, bias=False)');
    expect(lines).toContain('  (8): Linear(in_features=512, out_features=2, bias=False)');
    expect(lines.filter((l) => /^ {2}\(\d\) /.test(l))).toHaveLength(9);
  });
});
