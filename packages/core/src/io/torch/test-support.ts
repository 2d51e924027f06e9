// Test helper for the PyTorch checkpoint reader: the small fixtures beside its tests (files made by real
// `torch.save`, PyTorch 1.13, copied from the reference folder's torch-pth/; the large resnet18.pth stays outside
// git and is read through test-utils/fixtures.ts' referenceFile()).
import { fileURLToPath } from 'node:url';

/** The fixtures folder next to the torch reader's tests. */
export const TORCH_FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
