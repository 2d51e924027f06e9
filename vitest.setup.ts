// Every test file starts on the backend tfai would choose (TFAI_BACKEND, else the best installed: wasm here).
import { setBackend } from '@tfai/core/backend';

await setBackend();
