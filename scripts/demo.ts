// Provisional demo (until the vision demo lands): an MLP on ../shared/data/credit_data with fastai's loop.
import { accuracy, BatchNorm1d, getBackend, Learner, Linear, manualSeed, ReLU, Sequential, setBackend } from '@tfai/core';
import { creditDls, loadCredit } from '../packages/core/src/test-utils/credit.js';

await setBackend();
console.log(`backend: ${getBackend()}`);
manualSeed(0);
const data = loadCredit();
const model = new Sequential(new Linear(data.nFeatures, 64), new ReLU(true), new BatchNorm1d(64), new Linear(64, 2));
const learn = new Learner(creditDls(data, 64, 0), model, { metrics: [accuracy()] });
await learn.fitOneCycle(process.env.TFAI_DEMO_QUICK ? 2 : 5, 1e-2);
