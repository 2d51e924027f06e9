// The test page for @tfai/tabular's learners: the common page API, and the package's builders registered.
import { registerLearnerBuilders } from '@tfai/core/io';
import { learnerBuilders } from '@tfai/tabular';
import { installPageApi } from './common.js';

registerLearnerBuilders('@tfai/tabular', learnerBuilders);
installPageApi();
