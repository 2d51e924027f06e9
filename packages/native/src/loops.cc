// @tfai/native: the plain loops of loops.h. Loops over channels are written so that GCC vectorises them
// (-O3; `ivdep` where an output may be its input at the same index, which is no loop-carried dependence).
#include "loops.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "mv.h"

namespace tfai {
namespace {

// [begin, end) of part `t` of `parts` of n.
inline void share(int64_t n, int parts, int t, int64_t& begin, int64_t& end) {
  begin = n * t / parts;
  end = n * (t + 1) / parts;
}

// Runs body(t, parts) on `threads` OpenMP threads (or once, t = 0, without OpenMP or with one thread).
template <typename F>
void parallel(int threads, F body) {
#ifdef _OPENMP
  if (threads > 1) {
#pragma omp parallel num_threads(threads)
    body(omp_get_thread_num(), omp_get_num_threads());
    return;
  }
#endif
  (void)threads;
  body(0, 1);
}

// ---- MaxPool's gradient, batch items [n0, n1) ----
TFAI_MV void maxPoolGradItems(const float* x, const float* dy, float* dx, const int64_t* d, int64_t n0, int64_t n1,
                              float* best, int32_t* pos) {
  const int64_t h = d[1], w = d[2], c = d[3], ho = d[4], wo = d[5], kh = d[6], kw = d[7], sh = d[8], sw = d[9];
  const int64_t top = d[10], left = d[11];
  std::memset(dx + n0 * h * w * c, 0, sizeof(float) * (n1 - n0) * h * w * c);
  for (int64_t n = n0; n < n1; n++) {
    const float* xn = x + n * h * w * c;
    float* dxn = dx + n * h * w * c;
    for (int64_t i = 0; i < ho; i++) {
      const int64_t y0 = std::max<int64_t>(i * sh - top, 0), y1 = std::min<int64_t>(i * sh - top + kh, h);
      for (int64_t j = 0; j < wo; j++) {
        const int64_t x0 = std::max<int64_t>(j * sw - left, 0), x1 = std::min<int64_t>(j * sw - left + kw, w);
        const int32_t first = static_cast<int32_t>((y0 * w + x0) * c);
        for (int64_t k = 0; k < c; k++) {
          best[k] = -std::numeric_limits<float>::infinity();
          pos[k] = first;
        }
        for (int64_t yy = y0; yy < y1; yy++) {
          for (int64_t xx = x0; xx < x1; xx++) {
            const int32_t base = static_cast<int32_t>((yy * w + xx) * c);
            const float* row = xn + base;
            for (int64_t k = 0; k < c; k++) {
              const float v = row[k];
              const bool take = v > best[k] || v != v;
              best[k] = take ? v : best[k];
              pos[k] = take ? base : pos[k];
            }
          }
        }
        const float* g = dy + ((n * ho + i) * wo + j) * c;
        for (int64_t k = 0; k < c; k++) dxn[pos[k] + k] += g[k];
      }
    }
  }
}

// ---- BatchNorm: per-channel sums over rows [r0, r1) ----
// max(v, 0) (NaN stays NaN, as wasm's f32.max) and `value` where `sign` > 0 else +0, on values (not references),
// so that GCC if-converts the loops around them into vector selects.
inline float relu(float v) { return v < 0.f ? 0.f : v; }
inline float ifPositive(float sign, float value) { return sign > 0.f ? value : 0.f; }

// s1 += x − shift, s2 += (x − shift)², in float64.
TFAI_MV void bnSums(const float* x, const double* shift, double* s1, double* s2, int64_t r0, int64_t r1, int64_t c) {
  for (int64_t r = r0; r < r1; r++) {
    const float* row = x + r * c;
    for (int64_t j = 0; j < c; j++) {
      const double v = static_cast<double>(row[j]) - shift[j];
      s1[j] += v;
      s2[j] += v * v;
    }
  }
}

// y = (x − shift)·a + b
TFAI_MV void bnAffine(const float* x, float* y, const float* shift, const float* a, const float* b, int64_t r0,
                      int64_t r1, int64_t c) {
  for (int64_t r = r0; r < r1; r++) {
    const float* row = x + r * c;
    float* out = y + r * c;
    for (int64_t j = 0; j < c; j++) out[j] = (row[j] - shift[j]) * a[j] + b[j];
  }
}

// The same over max(x, 0) (a ReLU before the BatchNorm).
TFAI_MV void bnSumsRelu(const float* x, const double* shift, double* s1, double* s2, int64_t r0, int64_t r1,
                        int64_t c) {
  for (int64_t r = r0; r < r1; r++) {
    const float* row = x + r * c;
    for (int64_t j = 0; j < c; j++) {
      const double v = static_cast<double>(relu(row[j])) - shift[j];
      s1[j] += v;
      s2[j] += v * v;
    }
  }
}

// y = max((x − shift)·a + b, 0)
TFAI_MV void bnAffineRelu(const float* x, float* y, const float* shift, const float* a, const float* b, int64_t r0,
                          int64_t r1, int64_t c) {
  for (int64_t r = r0; r < r1; r++) {
    const float* row = x + r * c;
    float* out = y + r * c;
    for (int64_t j = 0; j < c; j++) out[j] = relu((row[j] - shift[j]) * a[j] + b[j]);
  }
}

// y = (max(x, 0) − shift)·a + b
TFAI_MV void bnReluAffine(const float* x, float* y, const float* shift, const float* a, const float* b, int64_t r0,
                          int64_t r1, int64_t c) {
  for (int64_t r = r0; r < r1; r++) {
    const float* row = x + r * c;
    float* out = y + r * c;
    for (int64_t j = 0; j < c; j++) out[j] = (relu(row[j]) - shift[j]) * a[j] + b[j];
  }
}

// sdy += dy, sdyx += dy·(x − mean), in float64.
TFAI_MV void bnGradSums(const float* dy, const float* x, const double* mean, double* sdy, double* sdyx, int64_t r0,
                        int64_t r1, int64_t c) {
  for (int64_t r = r0; r < r1; r++) {
    const float* g = dy + r * c;
    const float* row = x + r * c;
    for (int64_t j = 0; j < c; j++) {
      const double gj = g[j];
      sdy[j] += gj;
      sdyx[j] += gj * (static_cast<double>(row[j]) - mean[j]);
    }
  }
}

// The same with g = y > 0 ? dy : 0 (a ReLU after the BatchNorm, y its output).
TFAI_MV void bnGradSumsMask(const float* dy, const float* x, const float* y, const double* mean, double* sdy,
                            double* sdyx, int64_t r0, int64_t r1, int64_t c) {
  for (int64_t r = r0; r < r1; r++) {
    const float* g = dy + r * c;
    const float* row = x + r * c;
    const float* out = y + r * c;
    for (int64_t j = 0; j < c; j++) {
      const double gj = ifPositive(out[j], g[j]);
      sdy[j] += gj;
      sdyx[j] += gj * (static_cast<double>(row[j]) - mean[j]);
    }
  }
}

// The same over max(x, 0) (a ReLU before the BatchNorm).
TFAI_MV void bnGradSumsRelu(const float* dy, const float* x, const double* mean, double* sdy, double* sdyx,
                            int64_t r0, int64_t r1, int64_t c) {
  for (int64_t r = r0; r < r1; r++) {
    const float* g = dy + r * c;
    const float* row = x + r * c;
    for (int64_t j = 0; j < c; j++) {
      const double gj = g[j];
      sdy[j] += gj;
      sdyx[j] += gj * (static_cast<double>(relu(row[j])) - mean[j]);
    }
  }
}

// dx = k1·(y > 0 ? dy : 0) + k2·(x − mean) + k3
TFAI_MV void bnAffineGradMask(const float* dy, const float* x, const float* y, float* dx, const float* k1,
                              const float* k2, const float* mean, const float* k3, int64_t r0, int64_t r1, int64_t c) {
  for (int64_t r = r0; r < r1; r++) {
    const float* g = dy + r * c;
    const float* row = x + r * c;
    const float* out = y + r * c;
    float* d = dx + r * c;
    for (int64_t j = 0; j < c; j++) {
      d[j] = k1[j] * ifPositive(out[j], g[j]) + k2[j] * (row[j] - mean[j]) + k3[j];
    }
  }
}

// dx = x > 0 ? k1·dy + k2·(x − mean) + k3 : 0
TFAI_MV void bnReluAffineGrad(const float* dy, const float* x, float* dx, const float* k1, const float* k2,
                              const float* mean, const float* k3, int64_t r0, int64_t r1, int64_t c) {
  for (int64_t r = r0; r < r1; r++) {
    const float* g = dy + r * c;
    const float* row = x + r * c;
    float* d = dx + r * c;
    for (int64_t j = 0; j < c; j++) {
      const float xj = row[j];
      d[j] = ifPositive(xj, k1[j] * g[j] + k2[j] * (xj - mean[j]) + k3[j]);
    }
  }
}

// dx = k1·dy + k2·(x − mean) + k3
TFAI_MV void bnAffineGrad(const float* dy, const float* x, float* dx, const float* k1, const float* k2,
                          const float* mean, const float* k3, int64_t r0, int64_t r1, int64_t c) {
  for (int64_t r = r0; r < r1; r++) {
    const float* g = dy + r * c;
    const float* row = x + r * c;
    float* out = dx + r * c;
    for (int64_t j = 0; j < c; j++) out[j] = k1[j] * g[j] + k2[j] * (row[j] - mean[j]) + k3[j];
  }
}

// ---- Adam on [i0, i1) ----
TFAI_MV void adamRange(int64_t i0, int64_t i1, const float* wi, float* wo, const float* g, const float* ai, float* ao,
                       const float* si, float* so, AdamNumbers k) {
  const bool l2 = k.l2 != 0.f;  // g + 0·x would turn an infinite weight's gradient into NaN
#pragma GCC ivdep
  for (int64_t i = i0; i < i1; i++) {
    const float x = wi[i];
    const float gi = l2 ? g[i] + k.l2 * x : g[i];
    const float a = ai[i] * k.mom + gi * k.mom1;
    const float s = si[i] * k.sqrMom + gi * gi * k.sqrMom1;
    ao[i] = a;
    so[i] = s;
    wo[i] = x * k.wdMul - a / (std::sqrt(s * k.invDebias2) + k.eps) * k.stepSize;
  }
}

}  // namespace

void maxPoolGrad(const float* x, const float* dy, float* dx, const int64_t* dims, int threads) {
  const int64_t n = dims[0], c = dims[3];
  parallel(static_cast<int>(std::min<int64_t>(threads, n)), [&](int t, int parts) {
    std::vector<float> best(c);
    std::vector<int32_t> pos(c);
    int64_t b, e;
    share(n, parts, t, b, e);
    if (e > b) maxPoolGradItems(x, dy, dx, dims, b, e, best.data(), pos.data());
  });
}

void batchNormTrain(const float* x, const float* runningMean, const float* runningVar, const float* scale,
                    const float* offset, float* y, float* stats, float* newMean, float* newVar, int64_t n, int64_t c,
                    double eps, double momentum, int threads, int act) {
  std::vector<double> shift(c, 0.0);
  if (n > 0)
    for (int64_t j = 0; j < c; j++) shift[j] = act == kBnReluBefore ? std::max(x[j], 0.f) : x[j];
  const int parts = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(threads, n)));
  std::vector<double> part(2 * c * parts, 0.0);
  parallel(parts, [&](int t, int p) {
    int64_t b, e;
    share(n, p, t, b, e);
    double* s1 = part.data() + 2 * c * t;
    if (act == kBnReluBefore)
      bnSumsRelu(x, shift.data(), s1, s1 + c, b, e, c);
    else
      bnSums(x, shift.data(), s1, s1 + c, b, e, c);
  });
  std::vector<float> s32(c), a32(c), b32(c);
  const double unbias = static_cast<double>(n) / static_cast<double>(std::max<int64_t>(n - 1, 1));
  for (int64_t j = 0; j < c; j++) {
    double s1 = 0, s2 = 0;
    for (int t = 0; t < parts; t++) {
      s1 += part[2 * c * t + j];
      s2 += part[2 * c * t + c + j];
    }
    const double m1 = n > 0 ? s1 / n : 0.0;
    const double mean = shift[j] + m1;
    const double variance = n > 0 ? std::max(s2 / n - m1 * m1, 0.0) : 0.0;
    const double invstd = 1.0 / std::sqrt(variance + eps);
    const double w = scale ? scale[j] : 1.0;
    const double a = w * invstd;
    const double bb = (offset ? offset[j] : 0.0) - mean * a;
    stats[j] = static_cast<float>(mean);
    stats[c + j] = static_cast<float>(invstd);
    stats[2 * c + j] = static_cast<float>(w);
    newMean[j] = static_cast<float>((1 - momentum) * runningMean[j] + momentum * mean);
    newVar[j] = static_cast<float>((1 - momentum) * runningVar[j] + momentum * variance * unbias);
    // y = (x − shift)·a + (b + shift·a): shift is the channel's first value, so x − shift is exact near it.
    s32[j] = static_cast<float>(shift[j]);
    a32[j] = static_cast<float>(a);
    b32[j] = static_cast<float>(bb + shift[j] * a);
  }
  parallel(parts, [&](int t, int p) {
    int64_t b, e;
    share(n, p, t, b, e);
    if (act == kBnReluAfter)
      bnAffineRelu(x, y, s32.data(), a32.data(), b32.data(), b, e, c);
    else if (act == kBnReluBefore)
      bnReluAffine(x, y, s32.data(), a32.data(), b32.data(), b, e, c);
    else
      bnAffine(x, y, s32.data(), a32.data(), b32.data(), b, e, c);
  });
}

void batchNormTrainGrad(const float* dy, const float* x, const float* stats, float* dx, float* dw, float* db,
                        int64_t n, int64_t c, int threads, int act, const float* y) {
  if (act == kBnReluAfter && !y) act = kBnNone;  // no output to mask by: the caller checks (addon.cc)
  std::vector<double> mean(c);
  for (int64_t j = 0; j < c; j++) mean[j] = stats[j];
  const int parts = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(threads, n)));
  std::vector<double> part(2 * c * parts, 0.0);
  parallel(parts, [&](int t, int p) {
    int64_t b, e;
    share(n, p, t, b, e);
    double* sdy = part.data() + 2 * c * t;
    if (act == kBnReluAfter)
      bnGradSumsMask(dy, x, y, mean.data(), sdy, sdy + c, b, e, c);
    else if (act == kBnReluBefore)
      bnGradSumsRelu(dy, x, mean.data(), sdy, sdy + c, b, e, c);
    else
      bnGradSums(dy, x, mean.data(), sdy, sdy + c, b, e, c);
  });
  std::vector<float> k1(c), k2(c), k3(c), m32(c);
  for (int64_t j = 0; j < c; j++) {
    double sdy = 0, sdyx = 0;
    for (int t = 0; t < parts; t++) {
      sdy += part[2 * c * t + j];
      sdyx += part[2 * c * t + c + j];
    }
    const double invstd = stats[c + j];
    const double w = stats[2 * c + j];
    db[j] = static_cast<float>(sdy);
    dw[j] = static_cast<float>(sdyx * invstd);
    k1[j] = static_cast<float>(w * invstd);
    k2[j] = static_cast<float>(n > 0 ? (-w * invstd * invstd * invstd * sdyx) / n : 0.0);
    k3[j] = static_cast<float>(n > 0 ? (-w * invstd * sdy) / n : 0.0);
    m32[j] = stats[j];
  }
  parallel(parts, [&](int t, int p) {
    int64_t b, e;
    share(n, p, t, b, e);
    if (act == kBnReluAfter)
      bnAffineGradMask(dy, x, y, dx, k1.data(), k2.data(), m32.data(), k3.data(), b, e, c);
    else if (act == kBnReluBefore)
      bnReluAffineGrad(dy, x, dx, k1.data(), k2.data(), m32.data(), k3.data(), b, e, c);
    else
      bnAffineGrad(dy, x, dx, k1.data(), k2.data(), m32.data(), k3.data(), b, e, c);
  });
}

void adam(int64_t n, const float* wi, float* wo, const float* g, const float* ai, float* ao, const float* si, float* so,
          const AdamNumbers& k, int threads) {
  parallel(threads, [&](int t, int parts) {
    int64_t b, e;
    share(n, parts, t, b, e);
    // Chunks start on 16-float boundaries where they can.
    if (t > 0) b = std::min(n, b & ~int64_t{15});
    if (t < parts - 1) e = std::min(n, e & ~int64_t{15});
    if (e > b) adamRange(b, e, wi, wo, g, ai, ao, si, so, k);
  });
}

}  // namespace tfai
