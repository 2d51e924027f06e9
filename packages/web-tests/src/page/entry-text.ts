// The test page for @tfai/text's learners: the common page API, and the package's builders registered.
import { registerLearnerBuilders } from '@tfai/core/io';
import { learnerBuilders } from '@tfai/text';
import { installPageApi } from './common.js';

registerLearnerBuilders('@tfai/text', learnerBuilders);
installPageApi();
