// @tfai/test-utils' fixture helpers, tested here (the private package has no test project of its own).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { DATA, FIXTURES, needsReference, readFixture, referenceDir, referenceFile } from '@tfai/test-utils';

const dir = mkdtempSync(join(tmpdir(), 'tfai-refdir-'));
mkdirSync(join(dir, 'torchvision'));
writeFileSync(join(dir, 'torchvision', 'present.safetensors'), 'x');
afterEach(() => {
  vi.unstubAllEnvs();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('test fixtures', () => {
  it('reference files come from TFAI_REFERENCE_DIR; a missing one skips with a reason naming it, or fails under CI=true', () => {
    vi.stubEnv('TFAI_REFERENCE_DIR', dir);
    vi.stubEnv('CI', '');
    expect(referenceDir()).toBe(dir);
    expect(referenceFile('torchvision/present.safetensors')).toBe(join(dir, 'torchvision', 'present.safetensors'));
    expect(needsReference('torchvision/present.safetensors')).toEqual({});
    expect(needsReference('torchvision/present.safetensors', 'torch-pth/resnet18.pth')).toEqual({
      skip: true,
      meta: { skipReason: `reference file torch-pth/resnet18.pth not in ${dir} (set TFAI_REFERENCE_DIR)` },
    });
    vi.stubEnv('CI', 'true');
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(needsReference('torch-pth/resnet18.pth')).toEqual({});
    expect(spy).toHaveBeenCalledWith(expect.stringContaining('CI=true: reference file torch-pth/resnet18.pth'));
    spy.mockRestore();
  });

  it('the fastai fixtures are in the repository, and DATA is @tfai/datasets', () => {
    expect(FIXTURES).toMatch(/packages[/\\]test-utils[/\\]fixtures[/\\]fastai[/\\]$/);
    expect(readFixture<{ pcts: number[] }>('parity_one_cycle.json').pcts.length).toBe(101);
    expect(DATA).toMatch(/packages[/\\]datasets[/\\]data[/\\]$/);
  });
});
