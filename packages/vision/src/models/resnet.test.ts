import * as tf from '@tensorflow/tfjs-core';
import { loadSafetensors } from '@tfai/core/io';
import { numParams, type Module, type Sequential, type TensorModule } from '@tfai/core/nn';
import { describe, expect, it } from 'vitest';
import { needsReference, referenceFacts, referenceFile, relErr, relError, trainStepFused } from '@tfai/test-utils';
import { resnet18Parity } from '../test-utils/resnet18-parity.js';
import { BasicBlock, Bottleneck, resnet18, resnet34, resnet50, type ResNet } from './resnet.js';

interface BodyFacts {
  torchvision_full_model_params: number;
  torchvision_children: string[];
}
const facts = referenceFacts().create_body as Record<string, BodyFacts>;
const TV = `${referenceFile('torchvision')}/`;

describe('ResNet architecture', () => {
  it.each([
    ['resnet18', resnet18],
    ['resnet34', resnet34],
    ['resnet50', resnet50],
  ] as const)('%s has torchvision parameter count and children', (name, arch) => {
    const ref = facts[`${name}_cut-2`];
    const m: ResNet = arch();
    expect(numParams(m)).toBe(ref.torchvision_full_model_params);
    expect(m.layers().map((c) => c.typeName)).toEqual(ref.torchvision_children);
    expect(m.namedChildren().map(([n]) => n)).toEqual([
      'conv1',
      'bn1',
      'relu',
      'maxpool',
      'layer1',
      'layer2',
      'layer3',
      'layer4',
      'avgpool',
      'fc',
    ]);
    m.dispose();
  });

  it('uses torchvision names: BasicBlock downsample and Bottleneck v1.5 stride on conv2', () => {
    const m18 = resnet18({ numClasses: 10 });
    const names = m18.namedParameters().map(([n]) => n);
    expect(names.slice(0, 4)).toEqual(['conv1.weight', 'bn1.weight', 'bn1.bias', 'layer1.0.conv1.weight']);
    expect(names).toContain('layer2.0.downsample.0.weight');
    expect(names).toContain('layer2.0.downsample.1.weight');
    expect(names).not.toContain('layer1.0.downsample.0.weight');
    expect(m18.get(-1).describe()).toMatchObject({ type: 'Linear', in_features: 512, out_features: 10 });
    expect((m18.child('layer1') as Sequential).get(0)).toBeInstanceOf(BasicBlock);
    m18.dispose();
    const m50 = resnet50();
    const b = (m50.child('layer2') as Sequential).get(0) as Bottleneck;
    expect(b).toBeInstanceOf(Bottleneck);
    expect(b.namedChildren().map(([n]) => n)).toEqual([
      'conv1',
      'bn1',
      'conv2',
      'bn2',
      'conv3',
      'bn3',
      'relu',
      'downsample',
    ]);
    expect([b.conv1.stride, b.conv2.stride]).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect(m50.namedParameters().map(([n]) => n)).toContain('layer1.0.downsample.0.weight');
    m50.dispose();
  });

  it("initialises convs as torchvision's kaiming_normal_(fan_out, relu) and BatchNorm to 1/0", () => {
    const m = resnet18();
    const std = (t: tf.Tensor) => tf.tidy(() => Math.sqrt(tf.moments(t).variance.dataSync()[0]));
    // layer4.0.conv2: 512 out · 3·3 → std √(2/4608); conv1: 64 · 7·7 → √(2/3136)
    const sd = m.stateDict();
    expect(std(sd['layer4.0.conv2.weight'])).toBeCloseTo(Math.sqrt(2 / 4608), 3);
    expect(std(sd['conv1.weight'])).toBeCloseTo(Math.sqrt(2 / 3136), 2);
    expect(sd['bn1.weight'].dataSync().every((v) => v === 1)).toBe(true);
    expect(sd['bn1.bias'].dataSync().every((v) => v === 0)).toBe(true);
    const fcBound = 1 / Math.sqrt(512);
    expect(tf.tidy(() => tf.max(tf.abs(sd['fc.weight'])).dataSync()[0])).toBeLessThanOrEqual(fcBound);
    tf.dispose(Object.values(sd));
    m.dispose();
  });
});

describe(
  'ResNet-18 parity with torchvision 0.14.1',
  needsReference('torchvision/resnet18.safetensors', 'torchvision/resnet18_io.safetensors'),
  () => {
    it('loads the torchvision checkpoint strictly and reproduces logits and the cut body (eval mode)', async () => {
      const { tensors: weights } = await loadSafetensors(`${TV}resnet18.safetensors`);
      const { tensors: io } = await loadSafetensors(`${TV}resnet18_io.safetensors`);
      const { model: m, logitsErr, bodyErr } = resnet18Parity(weights, io);
      expect(logitsErr).toBeLessThan(1e-4);
      expect(bodyErr).toBeLessThan(1e-4);
      console.log(
        `resnet18 parity (${tf.getBackend()}): logits rel err ${logitsErr.toExponential(2)}, body ${bodyErr.toExponential(2)}`,
      );
      // Round trip: our state dict is the torchvision one.
      const back = m.stateDict();
      expect(Object.keys(back).sort()).toEqual(Object.keys(weights).sort());
      expect(relError(back['layer3.1.conv2.weight'], weights['layer3.1.conv2.weight'])).toBe(0);
      tf.dispose([...Object.values(back), ...Object.values(weights), ...Object.values(io)]);
      m.dispose();
    });
  },
);

/** One training step with BatchNorm+ReLU fused or not: loss, every parameter's gradient, buffers, Relu kernels run. */
async function trainStep(m: TensorModule, x: tf.Tensor, fused: boolean): Promise<[Float32Array[], number]> {
  const r = await trainStepFused(m as unknown as Module, () => m.call(x), fused);
  return [r.values, r.kernels.filter((k) => k === 'Relu').length];
}

describe('ResNet training with BatchNorm+ReLU fused (bn1 → relu; not bn2, which meets the residual sum first)', () => {
  it.each([
    ['resnet18 (stem and BasicBlocks)', () => resnet18({ numClasses: 5 }), [2, 32, 32, 3], 8, 17],
    ['a Bottleneck', () => new Bottleneck(16, 4), [2, 6, 5, 16], 1, 3],
  ] as const)(
    '%s: loss, gradients and running stats equal the unfused step to 1e-5',
    async (_name, make, shape, fusedRelus, plainRelus) => {
      const m = make() as unknown as TensorModule;
      const x = tf.randomNormal([...shape], 0, 1, 'float32', 7);
      const before = tf.memory().numTensors;
      const [f, fr] = await trainStep(m, x, true);
      const [p, pr] = await trainStep(m, x, false);
      expect(tf.memory().numTensors).toBe(before);
      expect(f.length).toBe(p.length);
      f.forEach((v, i) => expect(relErr(v, p[i]), `value ${i}`).toBeLessThan(1e-5));
      expect([fr, pr]).toEqual([fusedRelus, plainRelus]);
      tf.dispose(x);
      m.dispose();
    },
  );
});
