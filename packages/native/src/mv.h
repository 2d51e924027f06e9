// One clone per instruction set, picked at load time by the CPU (an ifunc): no -march=native, so one binary runs on
// any x86-64. Elsewhere (clang, macOS, arm64) the compiler's default target. Shared by loops.cc and gemm.cc.
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__)
#define TFAI_MV __attribute__((target_clones("arch=skylake-avx512", "arch=haswell", "default")))
#else
#define TFAI_MV
#endif
