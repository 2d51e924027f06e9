# PyTorch's side of bench/gemm.ts: C = A·B in float32 at the same shapes, GFLOP/s. Env: THREADS (1).
# Prints `RESULT {json}`. run.ts starts it with the BLAS the training-step side uses (TORCH_BLAS_DIR).
import json, os, statistics, time
import torch

SHAPES = [(4096, 576, 64), (1024, 1152, 128), (512, 73, 200), (1120, 400, 5000), (16, 256, 1024), (2304, 100, 1024)]
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
