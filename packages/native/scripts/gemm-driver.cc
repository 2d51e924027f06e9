// A small driver for choosing how the addon runs a matrix product (#29, small products): for each product shape of
// the bench's models (forward and both gradients, with their transposes) it times, in one process, oneDNN's matmul
// primitive (created once, as the addon caches it), oneDNN's BLAS-like dnnl_sgemm, and OpenBLAS's cblas_sgemm
// (dlopen'ed when found), each at 1 and 2 OpenMP threads, and prints GFLOP/s per cell (median of repeated calls)
// as JSON lines. Not part of the addon's build.
//
//   g++ -O2 -std=c++17 -fopenmp packages/native/scripts/gemm-driver.cc -ldnnl -ldl -o /tmp/gemm-driver
//   OMP_WAIT_POLICY=PASSIVE /tmp/gemm-driver [ms per cell, default 200] > gemm.jsonl
#include <dlfcn.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "oneapi/dnnl/dnnl.hpp"

// oneDNN's internal packed sgemm (exported by Debian's libdnnl.so.2 but in no public header; column-major, as its
// extended_sgemm): timed only to see what packing a constant right operand once (an LSTM's W_hh over a chunk)
// would be worth. The addon does not use it.
namespace dnnl {
namespace impl {
namespace cpu {
dnnl_status_t sgemm_pack_get_size(const char* identifier, const char* transa, const char* transb, const long* M,
                                  const long* N, const long* K, const long* lda, const long* ldb, size_t* size,
                                  bool* pack);
dnnl_status_t sgemm_pack(const char* identifier, const char* transa, const char* transb, const long* M, const long* N,
                         const long* K, const long* lda, const long* ldb, const float* src, float* dst);
dnnl_status_t sgemm_compute(const char* transa, const char* transb, const long* M, const long* N, const long* K,
                            const float* A, const long* lda, const float* B, const long* ldb, const float* beta,
                            float* C, const long* ldc);
}  // namespace cpu
}  // namespace impl
}  // namespace dnnl

using namespace dnnl;
using dt = memory::data_type;

struct Shape {
  int64_t m, k, n;
  bool ta, tb, bias;
  const char* what;
};

// The products of the bench's models (packages/bench/src/models.ts). Linear's forward is a(x)·W (W [in, out]) plus
// bias; tfjs's gradients are dA = dy·Wᵀ (transposeB) and dW = xᵀ·dy (transposeA).
const std::vector<Shape> kShapes = {
    {512, 73, 200, false, false, true, "tabular l1 fwd (+bias)"},
    {512, 200, 100, false, false, true, "tabular l2 fwd (+bias)"},
    {512, 100, 2, false, false, true, "tabular out fwd (+bias)"},
    {512, 200, 73, false, true, false, "tabular l1 dA"},
    {512, 100, 200, false, true, false, "tabular l2 dA"},
    {512, 2, 100, false, true, false, "tabular out dA"},
    {73, 512, 200, true, false, false, "tabular l1 dW"},
    {200, 512, 100, true, false, false, "tabular l2 dW"},
    {100, 512, 2, true, false, false, "tabular out dW"},
    {16, 256, 1024, false, false, false, "lstm h256 recurrent fwd"},
    {16, 1024, 256, false, false, false, "lstm h256 recurrent bwd (W_hh^T materialised)"},
    {16, 400, 1600, false, false, false, "lstm h256 layer3 recurrent fwd"},
    {16, 1600, 400, false, false, false, "lstm h256 layer3 recurrent bwd"},
    {256, 1120, 1024, true, false, false, "lstm h256 dW_hh"},
    {1120, 400, 1024, false, false, true, "lstm h256 input projection"},
    {1120, 1024, 400, false, true, false, "lstm h256 input projection dA"},
    {16, 1152, 4608, false, false, false, "lstm h1152 recurrent fwd"},
    {16, 4608, 1152, false, false, false, "lstm h1152 recurrent bwd"},
    {32, 256, 1024, false, false, false, "awdlstm recurrent fwd (bs32)"},
    {32, 1024, 256, false, false, false, "awdlstm recurrent bwd"},
    {32, 100, 400, false, false, false, "awdlstm layer2 recurrent fwd"},
    {32, 400, 100, false, false, false, "awdlstm layer2 recurrent bwd"},
    {2304, 100, 1024, false, false, true, "awdlstm input projection"},
    {256, 2304, 1024, true, false, false, "awdlstm dW_hh"},
    {4096, 576, 64, false, false, false, "resnet18 layer1 conv as a product"},
    {1024, 1152, 128, false, false, false, "resnet18 layer2 conv as a product"},
};

double medianMs(const std::function<void()>& f, double budgetMs) {
  for (int i = 0; i < 3; i++) f();
  std::vector<double> t;
  auto t0 = std::chrono::steady_clock::now();
  while (t.size() < 7 || std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() <
                             budgetMs) {
    auto a = std::chrono::steady_clock::now();
    f();
    t.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

using cblas_sgemm_t = void (*)(int, int, int, int, int, int, float, const float*, int, const float*, int, float,
                               float*, int);
using openblas_set_t = void (*)(int);

int main(int argc, char** argv) {
  const double budget = argc > 1 ? std::atof(argv[1]) : 200;
  engine eng(engine::kind::cpu, 0);
  stream strm(eng);
  void* ob = nullptr;
  for (const char* p : {"/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0",
                        "/usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblas.so.0", "libopenblas.so.0"})
    if ((ob = dlopen(p, RTLD_NOW | RTLD_LOCAL))) break;
  auto cblas = ob ? reinterpret_cast<cblas_sgemm_t>(dlsym(ob, "cblas_sgemm")) : nullptr;
  auto obThreads = ob ? reinterpret_cast<openblas_set_t>(dlsym(ob, "openblas_set_num_threads")) : nullptr;

  for (const Shape& s : kShapes) {
    const int64_t m = s.m, k = s.k, n = s.n;
    std::vector<float> A(m * k + 16), B(k * n + 16), C(m * n + 16), bias(n);
    for (auto& x : A) x = std::rand() / float(RAND_MAX) - 0.5f;
    for (auto& x : B) x = std::rand() / float(RAND_MAX) - 0.5f;
    for (auto& x : bias) x = std::rand() / float(RAND_MAX) - 0.5f;
    const double flop = 2.0 * m * k * n;
    for (int nt : {1, 2}) {
      omp_set_num_threads(nt);
      // The primitive, as addon.cc builds it (strides for the transposes; bias as a {1, 1, n} operand).
      memory::desc a({1, m, k}, dt::f32, s.ta ? memory::dims{m * k, 1, m} : memory::dims{m * k, k, 1});
      memory::desc b({1, k, n}, dt::f32, s.tb ? memory::dims{k * n, 1, k} : memory::dims{k * n, n, 1});
      memory::desc c({1, m, n}, dt::f32, memory::dims{m * n, n, 1});
      memory::desc bd({1, 1, n}, dt::f32, memory::dims{n, n, 1});
      auto pd = s.bias ? matmul::primitive_desc(matmul::desc(a, b, bd, c), eng)
                       : matmul::primitive_desc(matmul::desc(a, b, c), eng);
      matmul prim(pd);
      memory ma(pd.src_desc(), eng, A.data()), mb(pd.weights_desc(), eng, B.data()), mc(pd.dst_desc(), eng, C.data());
      memory mbias(bd, eng, bias.data());
      auto runPrim = [&] {
        std::unordered_map<int, memory> args{{DNNL_ARG_SRC, ma}, {DNNL_ARG_WEIGHTS, mb}, {DNNL_ARG_DST, mc}};
        if (s.bias) args[DNNL_ARG_BIAS] = mbias;
        prim.execute(strm, args);
        strm.wait();
      };
      const char ta = s.ta ? 'T' : 'N', tb = s.tb ? 'T' : 'N';
      const int64_t lda = s.ta ? m : k, ldb = s.tb ? k : n;
      // sgemm, then the bias as a loop over C (the addon's epilogue).
      auto runSgemm = [&] {
        dnnl_sgemm(ta, tb, m, n, k, 1.f, A.data(), lda, B.data(), ldb, 0.f, C.data(), n);
        if (s.bias)
          for (int64_t i = 0; i < m; i++) {
            float* row = C.data() + i * n;
            for (int64_t j = 0; j < n; j++) row[j] += bias[j];
          }
      };
      // sgemm with C filled with the bias rows first and beta = 1.
      auto runSgemmBeta = [&] {
        for (int64_t i = 0; i < m; i++) std::memcpy(C.data() + i * n, bias.data(), n * sizeof(float));
        dnnl_sgemm(ta, tb, m, n, k, 1.f, A.data(), lda, B.data(), ldb, 1.f, C.data(), n);
      };
      const double pMs = medianMs(runPrim, budget);
      std::vector<float> ref(C.begin(), C.begin() + m * n);
      const double sMs = medianMs(runSgemm, budget);
      double maxErr = 0;
      for (int64_t i = 0; i < m * n; i++) maxErr = std::max(maxErr, double(std::fabs(C[i] - ref[i])));
      const double sbMs = s.bias ? medianMs(runSgemmBeta, budget) : 0;
      double oMs = 0;
      if (cblas) {
        if (obThreads) obThreads(nt);
        // CblasRowMajor 101, CblasNoTrans 111, CblasTrans 112
        oMs = medianMs(
            [&] {
              cblas(101, s.ta ? 112 : 111, s.tb ? 112 : 111, m, n, k, 1.f, A.data(), lda, B.data(), ldb, 0.f,
                    C.data(), n);
            },
            budget);
      }
      // Packed right operand (column-major: C^T = B^T·A^T, our B as its "A", packed once outside the timing).
      double pkMs = 0;
      if (!s.bias && m <= 64) {
        const char* tA = s.tb ? "T" : "N";
        const char* tB = s.ta ? "T" : "N";
        const long M = n, N = m, K = k, ldA = ldb, ldB = lda, ldC = n;
        size_t size = 0;
        bool pack = true;
        if (dnnl::impl::cpu::sgemm_pack_get_size("A", tA, tB, &M, &N, &K, &ldA, &ldB, &size, &pack) == dnnl_success) {
          std::vector<float> packed(size / sizeof(float) + 16);
          dnnl::impl::cpu::sgemm_pack("A", tA, tB, &M, &N, &K, &ldA, &ldB, B.data(), packed.data());
          const float beta = 0.f;
          pkMs = medianMs(
              [&] {
                dnnl::impl::cpu::sgemm_compute("P", tB, &M, &N, &K, packed.data(), &ldA, A.data(), &ldB, &beta,
                                               C.data(), &ldC);
              },
              budget);
          for (int64_t i = 0; i < m * n; i++) maxErr = std::max(maxErr, double(std::fabs(C[i] - ref[i])));
        }
      }
      auto gf = [&](double ms) { return ms > 0 ? std::round(flop / ms / 1e5) / 10 : 0.0; };
      std::printf(
          "{\"m\":%ld,\"k\":%ld,\"n\":%ld,\"ta\":%d,\"tb\":%d,\"bias\":%d,\"what\":\"%s\",\"threads\":%d,"
          "\"mflop\":%.2f,\"primitive_ms\":%.4f,\"sgemm_ms\":%.4f,\"sgemm_beta_ms\":%.4f,\"openblas_ms\":%.4f,"
          "\"packed_ms\":%.4f,\"packed_gflops\":%.1f,\"primitive_gflops\":%.1f,\"sgemm_gflops\":%.1f,\"sgemm_beta_gflops\":%.1f,\"openblas_gflops\":%.1f,"
          "\"impl\":\"%s\",\"max_abs_diff\":%.2e}\n",
          long(m), long(k), long(n), s.ta, s.tb, s.bias, s.what, nt, flop / 1e6, pMs, sMs, sbMs, oMs, pkMs, gf(pkMs), gf(pMs),
          gf(sMs), gf(sbMs), gf(oMs), pd.impl_info_str(), maxErr);
      std::fflush(stdout);
    }
  }
  return 0;
}
