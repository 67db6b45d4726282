// The pass kernels for SSSE3 (see kernels.h). Every header is included
// before the target pragma: only the loops of this file are compiled for
// SSSE3, never an inline function that other files share.
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
#pragma clang attribute push(__attribute__((target("ssse3"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("ssse3")
#endif

namespace quotematch::internal::ssse3 {
#include "normalize/internal/kernels/skip_ssse3.inc"
#include "normalize/internal/kernels/char_pass.inc"
#include "normalize/internal/kernels/key_pass.inc"
}  // namespace quotematch::internal::ssse3

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

namespace quotematch::internal {

const PassKernels* Ssse3Kernels() {
  static const PassKernels kernels{"ssse3", &ssse3::CharPassKernel, &ssse3::KeyPassKernel, &ArabicBlock};
  return &kernels;
}

}  // namespace quotematch::internal
