// @tfai/native: plain loops (no oneDNN) for the training step's memory-bound kernels: MaxPool's gradient,
// BatchNorm in training mode (forward and backward) and Adam's update. Each runs on caller-owned float32 memory
// (the wasm heap), compiled for the best of AVX-512, AVX2+FMA and baseline x86-64 at load time (function
// multiversioning, GCC on Linux; elsewhere the compiler's default target), and split over `threads` OpenMP threads.
#pragma once
#include <cstdint>

namespace tfai {

// dims: n, h, w, c, ho, wo, kh, kw, sh, sw, padTop, padLeft. dx = Σ dy routed to each window's first maximum of x
// (a NaN counts as the maximum), as backend/wasm/max-pool-grad.ts.
void maxPoolGrad(const float* x, const float* dy, float* dx, const int64_t* dims, int threads);

// A ReLU fused into the BatchNorm loops (core's BatchNormAct): none, y = max(0, bn(x)), or y = bn(max(0, x)).
enum BnAct { kBnNone = 0, kBnReluAfter = 1, kBnReluBefore = 2 };

// BatchNorm training forward over x [n, c] (see core's kernels/batch-norm-train.ts for the math). scale and offset
// may be null. Writes y [n, c], stats [3, c] (mean, invstd, w), newMean [c], newVar [c].
void batchNormTrain(const float* x, const float* runningMean, const float* runningVar, const float* scale,
                    const float* offset, float* y, float* stats, float* newMean, float* newVar, int64_t n, int64_t c,
                    double eps, double momentum, int threads, int act = kBnNone);

// Its backward: dx [n, c], dw [c], db [c] from dy, x and the forward's stats (and, for kBnReluAfter, the forward's
// output y, whose sign masks dy; null otherwise).
void batchNormTrainGrad(const float* dy, const float* x, const float* stats, float* dx, float* dw, float* db,
                        int64_t n, int64_t c, int threads, int act = kBnNone, const float* y = nullptr);

// fastai's Adam on n elements (core's optim/steppers.ts ADAM_RULE, float32 as its SIMD loop):
//   g' = g + l2·wi;  ao = ai·mom + g'·mom1;  so = si·sqrMom + g'²·sqrMom1;  wo = wi·wdMul − ao / (√(so·invDebias2) + eps)·stepSize
// (in place where an output is its input).
struct AdamNumbers {
  float wdMul, mom, mom1, sqrMom, sqrMom1, invDebias2, eps, stepSize, l2;
};
void adam(int64_t n, const float* wi, float* wo, const float* g, const float* ai, float* ao, const float* si, float* so,
          const AdamNumbers& k, int threads);

}  // namespace tfai
