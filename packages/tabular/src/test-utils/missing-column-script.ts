// A user's script with a mistake (titanic has no "fare" column), run as a child process by uncaught-error.test.ts.
import { setBackend } from '@tfai/core/backend';
import { TabularDataLoaders } from '../index.js';
import { datasets } from '@tfai/datasets';

await setBackend();
await TabularDataLoaders.fromCsv(`${datasets.path('titanic')}/titanic.csv`, {
  yNames: ['survived'],
  catNames: ['sex'],
  contNames: ['age', 'fare'],
});
