// The pass kernels for AVX2 (see kernels.h). Every header is included
// before the target pragma: only the loops of this file are compiled for
// AVX2, never an inline function that other files share.
#include <immintrin.h>

#include <cstring>
#include <string>

#include "base/strings.h"
#include "base/utf8.h"
#include "normalize/internal/ascii_scan.h"
#include "normalize/internal/kernels/kernels.h"
#include "normalize/internal/passes.h"
#include "normalize/unicode.h"

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2")
#endif

namespace quotematch::internal::avx2 {
#include "normalize/internal/kernels/skip_avx2.inc"
#include "normalize/internal/kernels/char_pass.inc"
#include "normalize/internal/kernels/key_pass.inc"
#include "normalize/internal/kernels/arabic_block_avx2.inc"
}  // namespace quotematch::internal::avx2

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

namespace quotematch::internal {

const PassKernels* Avx2Kernels() {
  static const PassKernels kernels{"avx2", &avx2::CharPassKernel, &avx2::KeyPassKernel, &avx2::ArabicBlockAvx2};
  return &kernels;
}

}  // namespace quotematch::internal
