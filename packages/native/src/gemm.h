// @tfai/native: the matrix product through oneDNN's BLAS-like dnnl_sgemm (no primitive to create or cache), with
// bias and activation applied after it by a plain loop (sgemm has no post-ops). addon.cc picks this path or the
// matmul primitive per product (TFAI_NATIVE_GEMM, and a size rule).
#pragma once
#include <cstdint>

namespace tfai {

// Activation codes shared with the JS side (index.d.ts: Activation).
enum Act { kLinear = 0, kRelu = 1, kRelu6 = 2, kElu = 3, kSigmoid = 4, kLeakyRelu = 5 };

// C = act(op(A)·op(B) + bias) per batch item, row-major: dims batchA, batchB, m, k, n, transposeA, transposeB (as
// the addon's matMul; batchA, batchB: 1 or the common batch, a batch of 1 broadcast). bias [n] may be null.
// Returns false (C unspecified) where dnnl_sgemm refused the arguments.
bool sgemmMatMul(const float* a, const float* b, const float* bias, float* c, const int64_t* dims, int act,
                 float alpha);

// C [rows, n] ← act(C + bias), in place; bias may be null.
void gemmEpilogue(float* c, int64_t rows, int64_t n, const float* bias, int act, float alpha);

}  // namespace tfai
