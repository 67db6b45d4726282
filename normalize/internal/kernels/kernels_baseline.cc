// The pass kernels without vector instructions beyond the baseline, and the
// choice of kernels for the CPU (see kernels.h).
#include <cstring>
#include <string>

#include "base/strings.h"
#include "base/utf8.h"
#include "normalize/internal/ascii_scan.h"
#include "normalize/internal/kernels/kernels.h"
#include "normalize/internal/passes.h"
#include "normalize/unicode.h"

namespace quotematch::internal {
namespace baseline {
#include "normalize/internal/kernels/skip_baseline.inc"
#include "normalize/internal/kernels/char_pass.inc"
#include "normalize/internal/kernels/key_pass.inc"
}  // namespace baseline

const PassKernels* BaselineKernels() {
  static const PassKernels kernels{"baseline", &baseline::CharPassKernel, &baseline::KeyPassKernel, &ArabicBlock};
  return &kernels;
}

#if !defined(QM_X86_KERNELS)
const PassKernels* Ssse3Kernels() { return nullptr; }
const PassKernels* Avx2Kernels() { return nullptr; }
#endif

const PassKernels& Kernels() {
  static const PassKernels* chosen = [] {
#if defined(QM_X86_KERNELS)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2")) return Avx2Kernels();
    if (__builtin_cpu_supports("ssse3")) return Ssse3Kernels();
#endif
    return BaselineKernels();
  }();
  return *chosen;
}

}  // namespace quotematch::internal
