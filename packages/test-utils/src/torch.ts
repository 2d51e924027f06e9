// Test helper for the PyTorch checkpoint reader (core) and WT103 loading (text): the small fixtures in
// fixtures/torch/ (files made by real `torch.save`, PyTorch 1.13, copied from the reference folder's torch-pth/;
// the large resnet18.pth stays outside git and is read through fixtures.ts' referenceFile()).
import { fileURLToPath } from 'node:url';

/** The folder of the small PyTorch checkpoints (`mixed_zip.pth`, the evil files, `wt103-fwd.tgz`…), with a trailing slash. */
export const TORCH_FIXTURES = fileURLToPath(new URL('../fixtures/torch/', import.meta.url));
