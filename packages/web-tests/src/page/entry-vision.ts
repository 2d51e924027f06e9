// The test page for @tfai/vision's learners: the common page API, and the package's builders registered.
import { registerLearnerBuilders } from '@tfai/core/io';
import { learnerBuilders } from '@tfai/vision';
import { installPageApi } from './common.js';

registerLearnerBuilders('@tfai/vision', learnerBuilders);
installPageApi();
