// File: normalize/internal/ascii_scan.h
//
// SkipAscii finds, 16 bytes at a time (SSE2, part of every x86-64 CPU; a
// plain loop elsewhere), the end of a stretch of printable ASCII that a pass
// copies unchanged — the bulk of English text — so that the pass's
// byte-by-byte loop only runs where something may change.
//
//   i = SkipAscii(text.data(), i, text.size(), Spaces::kBeforePrintable, '\'');
#pragma once

#include <cstddef>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace quotematch::internal {

enum class Spaces {
  kStop,              // a space ends the stretch
  kBeforePrintable,   // a space is part of it when printable ASCII follows
  kAlways,            // spaces are part of it
};

// The first index in [i, n) that is not part of the stretch: bytes
// 0x21–0x7E other than `stop` (0 for none), and spaces as `spaces` says.
inline size_t SkipAscii(const char* text, size_t i, size_t n, Spaces spaces, char stop) {
  const auto* s = reinterpret_cast<const unsigned char*>(text);
  auto printable = [&](unsigned char b) { return b > 0x20 && b < 0x7F && b != static_cast<unsigned char>(stop); };
#if defined(__SSE2__)
  const __m128i k21 = _mm_set1_epi8(0x21), k7f = _mm_set1_epi8(0x7F), kSpace = _mm_set1_epi8(' ');
  const __m128i kStopByte = _mm_set1_epi8(stop == 0 ? 0x20 : stop);  // 0x20 never printable here
  // Bytes that are not printable: below 0x21 (signed: also 0x80 and up),
  // 0x7F, or the stop byte.
  auto not_printable = [&](__m128i v) {
    return _mm_or_si128(_mm_or_si128(_mm_cmpgt_epi8(k21, v), _mm_cmpeq_epi8(v, k7f)), _mm_cmpeq_epi8(v, kStopByte));
  };
  while (i + 17 <= n) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
    __m128i bad = not_printable(v);
    if (spaces != Spaces::kStop) {
      __m128i ok = _mm_cmpeq_epi8(v, kSpace);
      if (spaces == Spaces::kBeforePrintable) {
        const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i + 1));
        ok = _mm_andnot_si128(not_printable(next), ok);
      }
      bad = _mm_andnot_si128(ok, bad);
    }
    const int mask = _mm_movemask_epi8(bad);
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
    i += 16;
  }
#endif
  while (i < n) {
    const unsigned char b = s[i];
    if (printable(b)) {
      ++i;
    } else if (b == ' ' && (spaces == Spaces::kAlways ||
                            (spaces == Spaces::kBeforePrintable && i + 1 < n && printable(s[i + 1])))) {
      ++i;
    } else {
      break;
    }
  }
  return i;
}

}  // namespace quotematch::internal
