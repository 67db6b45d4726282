// The pass kernels for SSSE3 (see kernels.h and kernels_for_target.inc).
// The word masks of the spacing pass stay SSE2 (ArabicBlock).
#define QM_KERNELS_NAMESPACE ssse3
#define QM_KERNELS_TARGET "ssse3"
#define QM_KERNELS_SKIP "normalize/internal/kernels/skip_ssse3.inc"
#define QM_KERNELS_TABLE Ssse3Kernels
#define QM_KERNELS_ARABIC ArabicBlock
#include "normalize/internal/kernels/kernels_for_target.inc"
