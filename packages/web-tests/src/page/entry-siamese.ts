// The test page for @tfai/siamese's learners: the common page API, and the package's builders registered.
import { registerLearnerBuilders } from '@tfai/core/io';
import { learnerBuilders } from '@tfai/siamese';
import { installPageApi } from './common.js';

registerLearnerBuilders('@tfai/siamese', learnerBuilders);
installPageApi();
