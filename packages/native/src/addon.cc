// @tfai/native: oneDNN primitives on caller-owned float32 memory (the wasm backend's heap).
//
// Every kernel takes Float32Array views (of a WebAssembly.Memory's ArrayBuffer or SharedArrayBuffer) and reads
// their data pointers at call time; nothing keeps a pointer after the call returns (the heap can grow and move
// between calls). Primitives, their descriptors and any reordered-weights scratch memory are cached per shape.
// A kernel returns false (and computes nothing) when oneDNN cannot build a primitive for the shape, so that the
// caller can fall back to its own kernel.
#include <napi.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "gemm.h"
#include "loops.h"
#include "oneapi/dnnl/dnnl.hpp"

#if DNNL_CPU_THREADING_RUNTIME == DNNL_RUNTIME_OMP
#include <omp.h>
#define TFAI_OMP 1
#endif

using namespace dnnl;
using dt = memory::data_type;
using tag = memory::format_tag;

namespace {

engine& eng() {
  static engine e(engine::kind::cpu, 0);
  return e;
}
stream& strm() {
  static stream s(eng());
  return s;
}

// Activation codes shared with the JS side (gemm.h).
using tfai::kElu, tfai::kLeakyRelu, tfai::kLinear, tfai::kRelu, tfai::kRelu6, tfai::kSigmoid;

primitive_attr attrFor(int act, float alpha) {
  primitive_attr attr;
  if (act != kLinear) {
    post_ops po;
    switch (act) {
      case kRelu: po.append_eltwise(1.f, algorithm::eltwise_relu, 0.f, 0.f); break;
      case kRelu6: po.append_eltwise(1.f, algorithm::eltwise_clip, 0.f, 6.f); break;
      case kElu: po.append_eltwise(1.f, algorithm::eltwise_elu, 1.f, 0.f); break;
      case kSigmoid: po.append_eltwise(1.f, algorithm::eltwise_logistic, 0.f, 0.f); break;
      case kLeakyRelu: po.append_eltwise(1.f, algorithm::eltwise_relu, alpha, 0.f); break;
      default: throw std::runtime_error("unknown activation");
    }
    attr.set_post_ops(po);
  }
  return attr;
}

float* dataOf(const Napi::Value& v, size_t* lengthOut = nullptr) {
  if (!v.IsTypedArray()) throw std::runtime_error("expected a Float32Array");
  napi_typedarray_type type;
  size_t length;
  void* data = nullptr;
  napi_value ab;
  size_t offset;
  if (napi_get_typedarray_info(v.Env(), v, &type, &length, &data, &ab, &offset) != napi_ok || type != napi_float32_array)
    throw std::runtime_error("expected a Float32Array");
  if (lengthOut) *lengthOut = length;
  return static_cast<float*>(data);
}

// The data of a Float32Array of at least `need` elements.
float* dataOf(const Napi::Value& v, int64_t need, const char* what) {
  size_t length = 0;
  float* p = dataOf(v, &length);
  if (need < 0 || static_cast<size_t>(need) > length) throw std::runtime_error(std::string(what) + ": too short");
  return p;
}

std::vector<int64_t> intsOf(const Napi::Value& v) {
  Napi::Array a = v.As<Napi::Array>();
  std::vector<int64_t> out(a.Length());
  for (uint32_t i = 0; i < a.Length(); i++) out[i] = a.Get(i).As<Napi::Number>().Int64Value();
  return out;
}

std::string keyOf(const char* kind, const std::vector<int64_t>& d, int act = 0, float alpha = 0.f) {
  std::ostringstream s;
  s << kind;
  for (auto x : d) s << ',' << x;
  s << '|' << act << '|' << alpha;
  return s.str();
}

// Threads: tfai's count (setThreads), except that a convolution of under kSmallFlops, or a matrix product of under
// kSmallGemmFlops, runs on one thread (waking a pool costs more than it saves there, and much more on a loaded
// machine; a product's line is higher: see the bench's 2026-12-07-native-perf/small-gemm.md). The count is part of
// the cache key and is set before a primitive is created and before each execution, so a primitive always runs with
// the count its work partition was planned for.
int maxThreads = 0;
constexpr double kSmallFlops = 4e6;
constexpr double kSmallGemmFlops = 1e8;
int threadsFor(double flops, double smallDefault = kSmallFlops) {
#ifdef TFAI_OMP
  if (maxThreads <= 0) maxThreads = omp_get_max_threads();
  // TFAI_NATIVE_SMALL_FLOPS overrides both lines (read per call, for measuring).
  const char* small = std::getenv("TFAI_NATIVE_SMALL_FLOPS");
  const double below = small && std::atof(small) > 0 ? std::atof(small) : smallDefault;
  const int n = flops < below ? 1 : maxThreads;
  omp_set_num_threads(n);
  return n;
#else
  (void)flops;
  (void)smallDefault;
  return 1;
#endif
}

// Each cache holds at most kMaxCached primitives (shapes vary: the last batch of an epoch, text of varying length);
// past that it starts afresh, so memory stays bounded whatever the shapes.
constexpr size_t kMaxCached = 256;
template <typename M>
void bound(M& cache) {
  if (cache.size() >= kMaxCached) cache.clear();
}

// The last implementation oneDNN chose per primitive kind ("brgconv:avx512_core", …), for diagnostics.
std::unordered_map<std::string, std::string> lastImpl;

// ---- convolution ----
// dims: n, h, w, ci, co, kh, kw, oh, ow, sh, sw, dh, dw (dilation as tfjs counts it, ≥ 1), pt, pl, pb, pr
struct ConvShape {
  memory::dims src, wei, dst, strides, dil, pl, pr;
  explicit ConvShape(const std::vector<int64_t>& d) {
    if (d.size() != 17) throw std::runtime_error("conv dims: expected 17");
    src = {d[0], d[3], d[1], d[2]};
    wei = {d[4], d[3], d[5], d[6]};
    dst = {d[0], d[4], d[7], d[8]};
    strides = {d[9], d[10]};
    dil = {d[11] - 1, d[12] - 1};
    pl = {d[13], d[14]};
    pr = {d[15], d[16]};
  }
  convolution_forward::desc fwd(bool bias) const {
    memory::desc s(src, dt::f32, tag::nhwc), w(wei, dt::f32, tag::any), y(dst, dt::f32, tag::nhwc);
    if (bias) {
      memory::desc b({wei[0]}, dt::f32, tag::x);
      return convolution_forward::desc(prop_kind::forward_training, algorithm::convolution_direct, s, w, b, y,
                                       strides, dil, pl, pr);
    }
    return convolution_forward::desc(prop_kind::forward_training, algorithm::convolution_direct, s, w, y, strides,
                                     dil, pl, pr);
  }
};

struct ConvFwd {
  convolution_forward prim;
  memory src, userWei, wei, bias, dst;
  reorder weiReorder;
  bool needReorder = false, hasBias = false;
};
struct ConvBwdData {
  convolution_backward_data prim;
  memory diffDst, userWei, wei, diffSrc;
  reorder weiReorder;
  bool needReorder = false;
};
struct ConvBwdWeights {
  convolution_backward_weights prim;
  memory src, diffDst, diffWei, userDiffWei;
  reorder weiReorder;
  bool needReorder = false;
};
std::unordered_map<std::string, std::unique_ptr<ConvFwd>> convFwdCache;
std::unordered_map<std::string, std::unique_ptr<ConvBwdData>> convBwdDataCache;
std::unordered_map<std::string, std::unique_ptr<ConvBwdWeights>> convBwdWeightsCache;

double convFlops(const std::vector<int64_t>& d) {
  return 2.0 * d[0] * d[7] * d[8] * d[4] * d[3] * d[5] * d[6];
}

ConvFwd& convFwd(const std::vector<int64_t>& d, bool hasBias, int act, float alpha) {
  const int nt = threadsFor(convFlops(d));
  std::string key = keyOf(hasBias ? "fb" : "f", d, act, alpha) + "|t" + std::to_string(nt);
  auto it = convFwdCache.find(key);
  if (it != convFwdCache.end()) return *it->second;
  ConvShape s(d);
  auto pd = convolution_forward::primitive_desc(s.fwd(hasBias), attrFor(act, alpha), eng());
  auto e = std::make_unique<ConvFwd>();
  e->prim = convolution_forward(pd);
  e->src = memory(pd.src_desc(), eng(), nullptr);
  e->dst = memory(pd.dst_desc(), eng(), nullptr);
  e->userWei = memory({s.wei, dt::f32, tag::hwio}, eng(), nullptr);
  e->needReorder = pd.weights_desc() != e->userWei.get_desc();
  e->wei = e->needReorder ? memory(pd.weights_desc(), eng()) : e->userWei;
  if (e->needReorder) e->weiReorder = reorder(e->userWei, e->wei);
  e->hasBias = hasBias;
  if (hasBias) e->bias = memory(pd.bias_desc(), eng(), nullptr);
  lastImpl["conv_fwd"] = pd.impl_info_str();
  bound(convFwdCache);
  return *convFwdCache.emplace(key, std::move(e)).first->second;
}

ConvBwdData& convBwdData(const std::vector<int64_t>& d) {
  const int nt = threadsFor(convFlops(d));
  std::string key = keyOf("d", d) + "|t" + std::to_string(nt);
  auto it = convBwdDataCache.find(key);
  if (it != convBwdDataCache.end()) return *it->second;
  ConvShape s(d);
  auto hint = convolution_forward::primitive_desc(s.fwd(false), eng());
  memory::desc dx(s.src, dt::f32, tag::nhwc), w(s.wei, dt::f32, tag::any), dy(s.dst, dt::f32, tag::nhwc);
  auto desc = convolution_backward_data::desc(algorithm::convolution_direct, dx, w, dy, s.strides, s.dil, s.pl, s.pr);
  auto pd = convolution_backward_data::primitive_desc(desc, eng(), hint);
  auto e = std::make_unique<ConvBwdData>();
  e->prim = convolution_backward_data(pd);
  e->diffDst = memory(pd.diff_dst_desc(), eng(), nullptr);
  e->diffSrc = memory(pd.diff_src_desc(), eng(), nullptr);
  e->userWei = memory({s.wei, dt::f32, tag::hwio}, eng(), nullptr);
  e->needReorder = pd.weights_desc() != e->userWei.get_desc();
  e->wei = e->needReorder ? memory(pd.weights_desc(), eng()) : e->userWei;
  if (e->needReorder) e->weiReorder = reorder(e->userWei, e->wei);
  lastImpl["conv_bwd_data"] = pd.impl_info_str();
  bound(convBwdDataCache);
  return *convBwdDataCache.emplace(key, std::move(e)).first->second;
}

ConvBwdWeights& convBwdWeights(const std::vector<int64_t>& d) {
  const int nt = threadsFor(convFlops(d));
  std::string key = keyOf("w", d) + "|t" + std::to_string(nt);
  auto it = convBwdWeightsCache.find(key);
  if (it != convBwdWeightsCache.end()) return *it->second;
  ConvShape s(d);
  auto hint = convolution_forward::primitive_desc(s.fwd(false), eng());
  memory::desc x(s.src, dt::f32, tag::nhwc), dw(s.wei, dt::f32, tag::any), dy(s.dst, dt::f32, tag::nhwc);
  auto desc =
      convolution_backward_weights::desc(algorithm::convolution_direct, x, dw, dy, s.strides, s.dil, s.pl, s.pr);
  auto pd = convolution_backward_weights::primitive_desc(desc, eng(), hint);
  auto e = std::make_unique<ConvBwdWeights>();
  e->prim = convolution_backward_weights(pd);
  e->src = memory(pd.src_desc(), eng(), nullptr);
  e->diffDst = memory(pd.diff_dst_desc(), eng(), nullptr);
  e->userDiffWei = memory({s.wei, dt::f32, tag::hwio}, eng(), nullptr);
  e->needReorder = pd.diff_weights_desc() != e->userDiffWei.get_desc();
  e->diffWei = e->needReorder ? memory(pd.diff_weights_desc(), eng()) : e->userDiffWei;
  if (e->needReorder) e->weiReorder = reorder(e->diffWei, e->userDiffWei);
  lastImpl["conv_bwd_weights"] = pd.impl_info_str();
  bound(convBwdWeightsCache);
  return *convBwdWeightsCache.emplace(key, std::move(e)).first->second;
}

// ---- matrix product ----
// dims: batchA, batchB, m, k, n, transposeA, transposeB (batchA, batchB: 1 or the common batch)
struct MatMul {
  matmul prim;
  memory a, b, bias, c;
  bool hasBias = false;
};
std::unordered_map<std::string, std::unique_ptr<MatMul>> matmulCache;

MatMul& matMul(const std::vector<int64_t>& d, bool hasBias, int act, float alpha) {
  if (d.size() != 7) throw std::runtime_error("matmul dims: expected 7");
  const int nt = threadsFor(2.0 * std::max(d[0], d[1]) * d[2] * d[3] * d[4], kSmallGemmFlops);
  std::string key = keyOf(hasBias ? "mb" : "m", d, act, alpha) + "|t" + std::to_string(nt);
  auto it = matmulCache.find(key);
  if (it != matmulCache.end()) return *it->second;
  const int64_t ba = d[0], bb = d[1], m = d[2], k = d[3], n = d[4];
  const bool ta = d[5] != 0, tb = d[6] != 0;
  const int64_t batch = std::max(ba, bb);
  memory::desc a({ba, m, k}, dt::f32, ta ? memory::dims{m * k, 1, m} : memory::dims{m * k, k, 1});
  memory::desc b({bb, k, n}, dt::f32, tb ? memory::dims{k * n, 1, k} : memory::dims{k * n, n, 1});
  memory::desc c({batch, m, n}, dt::f32, memory::dims{m * n, n, 1});
  auto e = std::make_unique<MatMul>();
  matmul::primitive_desc pd;
  if (hasBias) {
    memory::desc bias({1, 1, n}, dt::f32, memory::dims{n, n, 1});
    pd = matmul::primitive_desc(matmul::desc(a, b, bias, c), attrFor(act, alpha), eng());
    e->bias = memory(pd.bias_desc(), eng(), nullptr);
  } else {
    pd = matmul::primitive_desc(matmul::desc(a, b, c), attrFor(act, alpha), eng());
  }
  e->prim = matmul(pd);
  e->a = memory(pd.src_desc(), eng(), nullptr);
  e->b = memory(pd.weights_desc(), eng(), nullptr);
  e->c = memory(pd.dst_desc(), eng(), nullptr);
  e->hasBias = hasBias;
  lastImpl["matmul"] = pd.impl_info_str();
  bound(matmulCache);
  return *matmulCache.emplace(key, std::move(e)).first->second;
}

// Runs body; a oneDNN or argument error becomes `false` (the caller falls back), with the reason kept.
std::string lastError;
template <typename F>
Napi::Value guarded(const Napi::CallbackInfo& info, F body) {
  try {
    body();
    return Napi::Boolean::New(info.Env(), true);
  } catch (const std::exception& ex) {
    lastError = ex.what();
    return Napi::Boolean::New(info.Env(), false);
  }
}

float numberOr(const Napi::Value& v, float dflt) { return v.IsNumber() ? v.As<Napi::Number>().FloatValue() : dflt; }

// conv2dForward(x, w, bias|null, y, dims, act, alpha)
Napi::Value Conv2dForward(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const bool hasBias = !info[2].IsNull() && !info[2].IsUndefined();
    const int act = info[5].As<Napi::Number>().Int32Value();
    ConvFwd& e = convFwd(intsOf(info[4]), hasBias, act, numberOr(info[6], 0.f));
    e.src.set_data_handle(dataOf(info[0]));
    e.userWei.set_data_handle(dataOf(info[1]));
    e.dst.set_data_handle(dataOf(info[3]));
    if (e.needReorder) e.weiReorder.execute(strm(), e.userWei, e.wei);
    std::unordered_map<int, memory> args{{DNNL_ARG_SRC, e.src}, {DNNL_ARG_WEIGHTS, e.wei}, {DNNL_ARG_DST, e.dst}};
    if (hasBias) {
      e.bias.set_data_handle(dataOf(info[2]));
      args[DNNL_ARG_BIAS] = e.bias;
    }
    e.prim.execute(strm(), args);
    strm().wait();
  });
}

// conv2dBackwardData(dy, w, dx, dims)
Napi::Value Conv2dBackwardData(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    ConvBwdData& e = convBwdData(intsOf(info[3]));
    e.diffDst.set_data_handle(dataOf(info[0]));
    e.userWei.set_data_handle(dataOf(info[1]));
    e.diffSrc.set_data_handle(dataOf(info[2]));
    if (e.needReorder) e.weiReorder.execute(strm(), e.userWei, e.wei);
    e.prim.execute(strm(), {{DNNL_ARG_DIFF_DST, e.diffDst}, {DNNL_ARG_WEIGHTS, e.wei}, {DNNL_ARG_DIFF_SRC, e.diffSrc}});
    strm().wait();
  });
}

// conv2dBackwardWeights(x, dy, dw, dims)
Napi::Value Conv2dBackwardWeights(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    ConvBwdWeights& e = convBwdWeights(intsOf(info[3]));
    e.src.set_data_handle(dataOf(info[0]));
    e.diffDst.set_data_handle(dataOf(info[1]));
    e.userDiffWei.set_data_handle(dataOf(info[2]));
    e.prim.execute(strm(), {{DNNL_ARG_SRC, e.src}, {DNNL_ARG_DIFF_DST, e.diffDst}, {DNNL_ARG_DIFF_WEIGHTS, e.diffWei}});
    if (e.needReorder) e.weiReorder.execute(strm(), e.diffWei, e.userDiffWei);
    strm().wait();
  });
}

// ---- the matrix product's path: the primitive above, or dnnl_sgemm (gemm.cc) ----
// TFAI_NATIVE_GEMM (read per call, for A/B): `primitive` or `sgemm` runs every product so; `auto` (the default)
// runs a product through sgemm when sgemmFor says so.
enum class GemmPath { kAuto, kPrimitive, kSgemm };
GemmPath gemmPathSetting() {
  const char* v = std::getenv("TFAI_NATIVE_GEMM");
  if (!v) return GemmPath::kAuto;
  const std::string s(v);
  if (s == "primitive") return GemmPath::kPrimitive;
  if (s == "sgemm") return GemmPath::kSgemm;
  return GemmPath::kAuto;
}

// How many products ran each way (info().gemmCalls: tests' proof of the path taken).
double primitiveCalls = 0, sgemmCalls = 0;

// The auto rule, from the measurements in the bench's 2026-12-07-native-perf/small-gemm.md (oneDNN 2.6.3,
// AVX-512, one training step A/B in one process): every product through sgemm — the TabularModel's step 5–7% faster
// at 1 thread, the LSTM LM's 7–8% (h256) and 38% (h1152) — bias and activation applied after it; the primitive's fused post-op is
// faster only in a hot loop (512×73×200 + bias: 98 vs 113 µs), not inside a step. Skinny products gain most
// (16×1152×4608: 78 vs 23 GFLOP/s), and so do the transposed-left ones of the weight gradients (400×1120×5000:
// 109 vs 69). Except a batch of products (not folded into one) on several threads: the primitive splits the batch
// over them, where sgemm runs the items one after another.
bool sgemmFor(const std::vector<int64_t>& d, int threads) { return std::max(d[0], d[1]) == 1 || threads <= 1; }

// matMul(a, b, bias|null, c, dims, act, alpha)
Napi::Value MatMulFn(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const bool hasBias = !info[2].IsNull() && !info[2].IsUndefined();
    const int act = info[5].As<Napi::Number>().Int32Value();
    const float alpha = numberOr(info[6], 0.f);
    const std::vector<int64_t> d = intsOf(info[4]);
    if (d.size() != 7) throw std::runtime_error("matmul dims: expected 7");
    const int64_t batch = std::max(d[0], d[1]), m = d[2], k = d[3], n = d[4];
    const double flops = 2.0 * batch * m * k * n;
    const GemmPath path = gemmPathSetting();
    const int threads = threadsFor(flops, kSmallGemmFlops);
    if (path == GemmPath::kSgemm ||
        (path == GemmPath::kAuto && sgemmFor(d, threads))) {
      if (act < kLinear || act > kLeakyRelu) throw std::runtime_error("unknown activation");
      const float* a = dataOf(info[0], d[0] * m * k, "matMul a");
      const float* b = dataOf(info[1], d[1] * k * n, "matMul b");
      const float* bias = hasBias ? dataOf(info[2], n, "matMul bias") : nullptr;
      float* c = dataOf(info[3], batch * m * n, "matMul c");
      if (!tfai::sgemmMatMul(a, b, bias, c, d.data(), act, alpha)) throw std::runtime_error("dnnl_sgemm failed");
      sgemmCalls++;
      return;
    }
    MatMul& e = matMul(d, hasBias, act, alpha);
    e.a.set_data_handle(dataOf(info[0]));
    e.b.set_data_handle(dataOf(info[1]));
    e.c.set_data_handle(dataOf(info[3]));
    std::unordered_map<int, memory> args{{DNNL_ARG_SRC, e.a}, {DNNL_ARG_WEIGHTS, e.b}, {DNNL_ARG_DST, e.c}};
    if (hasBias) {
      e.bias.set_data_handle(dataOf(info[2]));
      args[DNNL_ARG_BIAS] = e.bias;
    }
    e.prim.execute(strm(), args);
    strm().wait();
    primitiveCalls++;
  });
}

// ---- plain loops (loops.cc) ----

// Threads for a loop over `elems` floats: one below kSmallLoop (a pool's wake-up costs more), else tfai's count.
constexpr double kSmallLoop = 1 << 16;
int loopThreads(double elems) {
#ifdef TFAI_OMP
  if (maxThreads <= 0) maxThreads = omp_get_max_threads();
  // TFAI_NATIVE_LOOP_THREADS caps them (read per call, for measuring).
  const char* cap = std::getenv("TFAI_NATIVE_LOOP_THREADS");
  const int most = cap && std::atoi(cap) >= 1 ? std::min(std::atoi(cap), maxThreads) : maxThreads;
  return elems < kSmallLoop ? 1 : most;
#else
  (void)elems;
  return 1;
#endif
}

float* optDataOf(const Napi::Value& v) { return v.IsNull() || v.IsUndefined() ? nullptr : dataOf(v); }

// The data pointer and byte length of any typed array (the heap's HEAPU8).
uint8_t* bytesOf(const Napi::Value& v, size_t& bytes) {
  if (!v.IsTypedArray()) throw std::runtime_error("expected a typed array");
  Napi::TypedArray a = v.As<Napi::TypedArray>();
  bytes = a.ByteLength();
  napi_typedarray_type type;
  size_t length;
  void* data = nullptr;
  napi_value ab;
  size_t offset;
  if (napi_get_typedarray_info(v.Env(), v, &type, &length, &data, &ab, &offset) != napi_ok)
    throw std::runtime_error("expected a typed array");
  return static_cast<uint8_t*>(data);
}

// maxPoolGrad(x, dy, dx, dims): dims n, h, w, c, ho, wo, kh, kw, sh, sw, padTop, padLeft
Napi::Value MaxPoolGradFn(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const std::vector<int64_t> d = intsOf(info[3]);
    if (d.size() != 12) throw std::runtime_error("maxPoolGrad dims: expected 12");
    tfai::maxPoolGrad(dataOf(info[0]), dataOf(info[1]), dataOf(info[2]), d.data(),
                      loopThreads(static_cast<double>(d[0]) * d[4] * d[5] * d[3] * d[6] * d[7]));
  });
}

// The fused ReLU code at info[i] (tfai::BnAct), 0 when absent.
int bnActOf(const Napi::CallbackInfo& info, size_t i) {
  if (info.Length() <= i || info[i].IsUndefined()) return tfai::kBnNone;
  const int act = info[i].As<Napi::Number>().Int32Value();
  if (act < tfai::kBnNone || act > tfai::kBnReluBefore) throw std::runtime_error("batchNorm: unknown act");
  return act;
}

// batchNormTrain(x, runningMean, runningVar, scale|null, offset|null, y, stats, newMean, newVar, n, c, eps, momentum
// [, act])
Napi::Value BatchNormTrainFn(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const int64_t n = info[9].As<Napi::Number>().Int64Value(), c = info[10].As<Napi::Number>().Int64Value();
    tfai::batchNormTrain(dataOf(info[0]), dataOf(info[1]), dataOf(info[2]), optDataOf(info[3]), optDataOf(info[4]),
                         dataOf(info[5]), dataOf(info[6]), dataOf(info[7]), dataOf(info[8]), n, c,
                         info[11].As<Napi::Number>().DoubleValue(), info[12].As<Napi::Number>().DoubleValue(),
                         loopThreads(static_cast<double>(n) * c), bnActOf(info, 13));
  });
}

// batchNormTrainGrad(dy, x, stats, dx, dw, db, n, c[, act, y|null]): y, the forward's output, with act 1 (reluAfter)
Napi::Value BatchNormTrainGradFn(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const int64_t n = info[6].As<Napi::Number>().Int64Value(), c = info[7].As<Napi::Number>().Int64Value();
    const int act = bnActOf(info, 8);
    const float* y = info.Length() > 9 ? optDataOf(info[9]) : nullptr;
    if (act == tfai::kBnReluAfter && !y) throw std::runtime_error("batchNormTrainGrad: reluAfter needs y");
    tfai::batchNormTrainGrad(dataOf(info[0]), dataOf(info[1]), dataOf(info[2]), dataOf(info[3]), dataOf(info[4]),
                             dataOf(info[5]), n, c, loopThreads(static_cast<double>(n) * c), act, y);
  });
}

// adam(heap, n, wi, wo, g, ai, ao, si, so, wdMul, mom, mom1, sqrMom, sqrMom1, invDebias2, eps, stepSize, l2):
// the seven arrays as byte offsets into `heap` (the wasm heap's HEAPU8), as the wasm SIMD loop takes them.
Napi::Value AdamFn(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    size_t bytes = 0;
    uint8_t* heap = bytesOf(info[0], bytes);
    const int64_t n = info[1].As<Napi::Number>().Int64Value();
    float* p[7];
    for (int i = 0; i < 7; i++) {
      const int64_t off = info[2 + i].As<Napi::Number>().Int64Value();
      if (n < 0 || off < 0 || off % 4 != 0 || static_cast<size_t>(off + 4 * n) > bytes)
        throw std::runtime_error("adam: an array lies outside the heap");
      p[i] = reinterpret_cast<float*>(heap + off);
    }
    auto num = [&](int i) { return info[i].As<Napi::Number>().FloatValue(); };
    const tfai::AdamNumbers k{num(9), num(10), num(11), num(12), num(13), num(14), num(15), num(16), num(17)};
    tfai::adam(n, p[0], p[1], p[2], p[3], p[4], p[5], p[6], k, loopThreads(static_cast<double>(n) * 4));
  });
}

const char* isaName(cpu_isa isa) {
  switch (isa) {
    case cpu_isa::sse41: return "sse41";
    case cpu_isa::avx: return "avx";
    case cpu_isa::avx2: return "avx2";
    case cpu_isa::avx512_mic: return "avx512_mic";
    case cpu_isa::avx512_mic_4ops: return "avx512_mic_4ops";
    case cpu_isa::avx512_core: return "avx512_core";
    case cpu_isa::avx512_core_vnni: return "avx512_core_vnni";
    case cpu_isa::avx512_core_bf16: return "avx512_core_bf16";
    case cpu_isa::avx512_core_amx: return "avx512_core_amx";
    case cpu_isa::avx2_vnni: return "avx2_vnni";
    default: return "all";
  }
}

// info() → { version, isa, threads, cpuRuntime, implementations, lastError }
Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  const dnnl_version_t* v = dnnl_version();
  std::ostringstream ver;
  ver << v->major << '.' << v->minor << '.' << v->patch;
  o.Set("version", ver.str());
  o.Set("isa", isaName(get_effective_cpu_isa()));
  #ifdef TFAI_OMP
  o.Set("threads", maxThreads > 0 ? maxThreads : omp_get_max_threads());
#else
  o.Set("threads", 0);
#endif
  o.Set("cpuRuntime", v->cpu_runtime == DNNL_RUNTIME_OMP ? "omp" : v->cpu_runtime == DNNL_RUNTIME_TBB ? "tbb" : "seq");
  Napi::Object impl = Napi::Object::New(env);
  for (auto& [k, s] : lastImpl) impl.Set(k, s);
  o.Set("implementations", impl);
  o.Set("lastError", lastError);
  size_t n = convFwdCache.size() + convBwdDataCache.size() + convBwdWeightsCache.size() + matmulCache.size();
  o.Set("cachedPrimitives", static_cast<double>(n));
  Napi::Object gemm = Napi::Object::New(env);
  gemm.Set("primitive", primitiveCalls);
  gemm.Set("sgemm", sgemmCalls);
  o.Set("gemmCalls", gemm);
  return o;
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  const int n = info[0].As<Napi::Number>().Int32Value();
#ifdef TFAI_OMP
  if (n >= 1) {
    maxThreads = n;
    omp_set_num_threads(n);
  }
  return Napi::Boolean::New(info.Env(), true);
#else
  (void)n;
  return Napi::Boolean::New(info.Env(), false);
#endif
}

Napi::Value ClearCache(const Napi::CallbackInfo& info) {
  convFwdCache.clear();
  convBwdDataCache.clear();
  convBwdWeightsCache.clear();
  matmulCache.clear();
  return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("conv2dForward", Napi::Function::New(env, Conv2dForward));
  exports.Set("conv2dBackwardData", Napi::Function::New(env, Conv2dBackwardData));
  exports.Set("conv2dBackwardWeights", Napi::Function::New(env, Conv2dBackwardWeights));
  exports.Set("matMul", Napi::Function::New(env, MatMulFn));
  exports.Set("maxPoolGrad", Napi::Function::New(env, MaxPoolGradFn));
  exports.Set("batchNormTrain", Napi::Function::New(env, BatchNormTrainFn));
  exports.Set("batchNormTrainGrad", Napi::Function::New(env, BatchNormTrainGradFn));
  // The BatchNorm loops take a fused ReLU (their trailing act argument); an older build ignores it.
  exports.Set("batchNormAct", Napi::Boolean::New(env, true));
  exports.Set("adam", Napi::Function::New(env, AdamFn));
  exports.Set("info", Napi::Function::New(env, Info));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  exports.Set("clearCache", Napi::Function::New(env, ClearCache));
  return exports;
}

}  // namespace

NODE_API_MODULE(tfai_native, Init)
