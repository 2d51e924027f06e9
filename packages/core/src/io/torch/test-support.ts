// Test helpers for the PyTorch checkpoint reader: the small fixtures beside the tests, and the large reference
// files (resnet18.pth, torchvision safetensors) outside git, under $TFAI_REFERENCE_DIR or ../shared/reference.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The fixtures folder next to the torch reader's tests (small files made by real `torch.save`, in git). */
export const TORCH_FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** A file of the reference folder (`$TFAI_REFERENCE_DIR`, default `<repo>/../shared/reference`). */
export function torchReferenceFile(rel: string): string {
  const dir = process.env.TFAI_REFERENCE_DIR ?? fileURLToPath(new URL('../../../../../../shared/reference/', import.meta.url));
  return `${dir.endsWith('/') ? dir : `${dir}/`}${rel}`;
}

/** Whether a reference file is there (tests that need it are skipped with a clear name when it is not). */
export const hasReferenceFile = (rel: string): boolean => existsSync(torchReferenceFile(rel));
