// @tfai/native: gemm.h's product through dnnl_sgemm and its epilogue loop.
#include "gemm.h"

#include <algorithm>
#include <cmath>

#include "oneapi/dnnl/dnnl.h"

#include "mv.h"

namespace tfai {
namespace {

template <typename F>
inline void rowsOf(float* c, int64_t rows, int64_t n, const float* bias, F f) {
  for (int64_t i = 0; i < rows; i++) {
    float* r = c + i * n;
    if (bias)
      for (int64_t j = 0; j < n; j++) r[j] = f(r[j] + bias[j]);
    else
      for (int64_t j = 0; j < n; j++) r[j] = f(r[j]);
  }
}

}  // namespace

TFAI_MV void gemmEpilogue(float* c, int64_t rows, int64_t n, const float* bias, int act, float alpha) {
  switch (act) {
    case kLinear:
      if (bias) rowsOf(c, rows, n, bias, [](float x) { return x; });
      break;
    case kRelu: rowsOf(c, rows, n, bias, [](float x) { return x > 0.f ? x : 0.f; }); break;
    case kRelu6: rowsOf(c, rows, n, bias, [](float x) { return std::min(std::max(x, 0.f), 6.f); }); break;
    case kElu: rowsOf(c, rows, n, bias, [](float x) { return x > 0.f ? x : std::expm1(x); }); break;
    case kSigmoid: rowsOf(c, rows, n, bias, [](float x) { return 1.f / (1.f + std::exp(-x)); }); break;
    case kLeakyRelu: rowsOf(c, rows, n, bias, [alpha](float x) { return x > 0.f ? x : alpha * x; }); break;
    default: break;
  }
}

bool sgemmMatMul(const float* a, const float* b, const float* bias, float* c, const int64_t* d, int act,
                 float alpha) {
  const int64_t ba = d[0], bb = d[1], m = d[2], k = d[3], n = d[4];
  const bool ta = d[5] != 0, tb = d[6] != 0;
  const int64_t batch = std::max(ba, bb);
  // Row-major leading dimensions of the operands as stored (op(A) is m×k: A is k×m when transposed).
  const int64_t lda = ta ? m : k, ldb = tb ? k : n;
  for (int64_t i = 0; i < batch; i++) {
    const float* ai = a + (ba > 1 ? i * m * k : 0);
    const float* bi = b + (bb > 1 ? i * k * n : 0);
    float* ci = c + i * m * n;
    if (dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, 1.f, ai, lda, bi, ldb, 0.f, ci, n) != dnnl_success)
      return false;
  }
  if (bias || act != kLinear) gemmEpilogue(c, batch * m, n, bias, act, alpha);
  return true;
}

}  // namespace tfai
