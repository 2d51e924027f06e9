# PyTorch's side of src/gemm.ts: C = A·B in float32, GFLOP/s. Env: THREADS (1), SHAPES (JSON [[m, k, n], ...]:
# run.ts passes gemm.ts's GEMM_SHAPES, so the two sides measure one list). Prints `RESULT {json}`. run.ts starts it
# with the BLAS the training-step side uses (TORCH_BLAS_DIR).
import json, os, statistics, time
import torch

if 'SHAPES' not in os.environ:
    raise SystemExit('SHAPES is not set: run through src/run.ts, or set SHAPES="[[512, 512, 512]]"')
SHAPES = [tuple(s) for s in json.loads(os.environ['SHAPES'])]
threads = int(os.environ.get('THREADS', '1'))
torch.set_num_threads(threads)
out = []
for m, k, n in SHAPES:
    a, b = torch.randn(m, k), torch.randn(k, n)
    for _ in range(3):
        a @ b
    times, t0 = [], time.perf_counter()
    while len(times) < 5 or time.perf_counter() - t0 < 0.3:
        t = time.perf_counter()
        a @ b
        times.append((time.perf_counter() - t) * 1e3)
    ms = statistics.median(times)
    out.append({'m': m, 'k': k, 'n': n, 'ms': round(ms, 3), 'gflops': round(2 * m * k * n / ms / 1e6, 1)})
print('RESULT ' + json.dumps({'threads': torch.get_num_threads(), 'torch': torch.__version__, 'shapes': out}))
