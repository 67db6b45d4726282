// File: normalize/internal/kernels/kernels.h
//
// The loops of the character and key passes, compiled once per x86
// instruction set — baseline, SSSE3, AVX2 — and chosen once, at the first
// call, for the CPU at hand. The per-set builds differ only in SkipPlain,
// the vector scan over plain text (skip_*.inc), which each inlines into its
// loops; their output is the same. The spacing pass takes its 64-byte word
// masks (ArabicBlock) from here too.
//
//   Kernels().char_pass(in, table, nfkc, &out, &map, &invalid_at);
//
// Why separate translation units: a loop can only inline vector code of a
// set it is compiled for. Each kernels_*.cc compiles the same loops
// (char_pass.inc, key_pass.inc) in a namespace of its own, under a target
// pragma set after every header is included, so that no inline function of
// a shared header is ever compiled for a set the CPU may lack.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "normalize/internal/arabic_scan.h"
#include "normalize/internal/passes.h"
#include "normalize/offset_map.h"

namespace quotematch::internal {

struct PassKernels {
  const char* name;  // "baseline", "ssse3", "avx2"
  bool (*char_pass)(std::string_view in, const CharTable& table, bool nfkc, std::string* out, OffsetMapBuilder* map,
                    size_t* invalid_at);
  void (*key_pass)(std::string_view display, const CharTable& key_table, std::string* out, OffsetMapBuilder* map);
  // ArabicBlock (arabic_scan.h) for the spacing pass: SSE2, or AVX2.
  ArabicMasks (*arabic_block)(const unsigned char* s);
};

// The kernels for this CPU: the widest set it supports.
const PassKernels& Kernels();

// Each set's kernels (null where not built: off x86).
const PassKernels* BaselineKernels();
const PassKernels* Ssse3Kernels();
const PassKernels* Avx2Kernels();

}  // namespace quotematch::internal
