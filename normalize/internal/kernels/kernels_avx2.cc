// The pass kernels for AVX2 (see kernels.h and kernels_for_target.inc).
#define QM_KERNELS_NAMESPACE avx2
#define QM_KERNELS_TARGET "avx2"
#define QM_KERNELS_SKIP "normalize/internal/kernels/skip_avx2.inc"
#define QM_KERNELS_EXTRA "normalize/internal/kernels/arabic_block_avx2.inc"
#define QM_KERNELS_TABLE Avx2Kernels
#define QM_KERNELS_ARABIC avx2::ArabicBlockAvx2
#include "normalize/internal/kernels/kernels_for_target.inc"
