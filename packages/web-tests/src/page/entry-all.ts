// A test page with every domain package: each one's builders registered (the bad-input tests load exports of two).
import { registerLearnerBuilders } from '@tfai/core/io';
import { learnerBuilders as siamese } from '@tfai/siamese';
import { learnerBuilders as tabular } from '@tfai/tabular';
import { learnerBuilders as text } from '@tfai/text';
import { learnerBuilders as vision } from '@tfai/vision';
import { installPageApi } from './common.js';

registerLearnerBuilders('@tfai/vision', vision);
registerLearnerBuilders('@tfai/tabular', tabular);
registerLearnerBuilders('@tfai/text', text);
registerLearnerBuilders('@tfai/siamese', siamese);
installPageApi();
