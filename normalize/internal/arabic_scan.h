// File: normalize/internal/arabic_scan.h
//
// SkipArabicLetters moves, 16 bytes at a time (SSE2, part of every x86-64
// CPU; elsewhere it does nothing and the caller's one-character loop does
// the work), over the bulk of a Persian word: two-byte characters of the
// Arabic block U+0600–U+06FF that are surely letters or combining marks.
// It stops before anything else — ASCII, ZWNJ and other longer sequences,
// other two-byte characters — and before the characters of the block that
// are not letters or marks (digits, ، ؛ ؟ ٪ ٫ ٬ ۔ and a few signs), which it
// recognises by three range tests on the code point: below U+0620, within
// U+0660–U+066F, from U+06D4 on. Those ranges also hold a few rare letters
// and marks; the caller tests the character it stopped at exactly.
//
// On the way it notes two things the spacing pass wants to know of a word:
// whether it has خ (U+062E, which starts خواه), and whether three equal
// two-byte characters stand in a row (a candidate for "runs of three or
// more repeated letters"). Both may be reported when they are not there —
// they only ask for a closer look — but are never missed in what it
// skipped. The triple test compares bytes with those 2 and 4 before, so it
// reads up to 4 bytes before `i`.
//
//   i = SkipArabicLetters(s, i, n, &khe, &triple);   // then test s[i] exactly
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace quotematch::internal {

// `s[i]` must start a character and `s[0, n)` be valid UTF-8. Returns the
// first index in [i, n) that it cannot vouch for (a character boundary);
// `i` itself when the bytes around `i` do not allow a 16-byte load (within
// 4 bytes of the start, 16 of the end).
inline size_t SkipArabicLetters(const unsigned char* s, size_t i, size_t n, bool* khe, bool* triple) {
#if defined(__SSE2__)
  if (i < 4) return i;
  const __m128i k03 = _mm_set1_epi8(0x03), k3f = _mm_set1_epi8(0x3F), kfc = _mm_set1_epi8(static_cast<char>(0xFC));
  const __m128i kd8 = _mm_set1_epi8(static_cast<char>(0xD8)), kc0 = _mm_set1_epi8(static_cast<char>(0xC0));
  const __m128i k1f = _mm_set1_epi8(0x1F), kf0 = _mm_set1_epi8(static_cast<char>(0xF0)), k60 = _mm_set1_epi8(0x60);
  const __m128i kd4 = _mm_set1_epi8(static_cast<char>(0xD4)), k2e = _mm_set1_epi8(0x2E);
  while (i + 16 <= n) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
    const __m128i prev = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i - 1));
    const __m128i lead = _mm_cmpeq_epi8(_mm_and_si128(v, kfc), kd8);  // D8–DB
    const __m128i cont = _mm_cmpgt_epi8(kc0, v);                       // 80–BF (signed < -64)
    // A continuation byte whose lead is D8–DB: the second byte of a
    // character of the block, whose low 8 bits are (lead & 3) << 6 | cont & 3F.
    const __m128i pair = _mm_and_si128(_mm_cmpeq_epi8(_mm_and_si128(prev, kfc), kd8), cont);
    const __m128i code = _mm_or_si128(_mm_slli_epi16(_mm_and_si128(prev, k03), 6), _mm_and_si128(v, k3f));
    const __m128i maybe_not_letter =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(code, k1f), code), _mm_cmpeq_epi8(_mm_and_si128(code, kf0), k60)),
                     _mm_cmpeq_epi8(_mm_max_epu8(code, kd4), code));
    // Stops: a byte that is neither lead nor continuation, or the lead of a
    // character that may not be a letter (its continuation, one byte on).
    unsigned stops = ~static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(lead, cont))) & 0xFFFF;
    stops |= static_cast<unsigned>(_mm_movemask_epi8(_mm_and_si128(maybe_not_letter, pair))) >> 1;
    // Without a stop, a lead in the last byte has its character in the next block.
    const unsigned len = stops != 0 ? static_cast<unsigned>(__builtin_ctz(stops)) : (s[i + 15] & 0xFC) == 0xD8 ? 15 : 16;
    const unsigned vouched = (1u << len) - 1;
    *khe |= (static_cast<unsigned>(_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(code, k2e), pair))) & vouched) != 0;
    const __m128i back2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i - 2));
    const __m128i back4 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i - 4));
    const unsigned same = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, back2))) &
                          static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, back4))) & vouched;
    *triple |= (same & (same >> 1)) != 0;
    i += len;
    if (stops != 0) return i;
  }
#else
  (void)s, (void)n, (void)khe, (void)triple;
#endif
  return i;
}

}  // namespace quotematch::internal

namespace quotematch::internal {

// What ArabicBlock finds in 64 bytes of text, one bit per byte (bit k for
// byte k). `word`: the bytes of two-byte Arabic block characters that are
// surely letters or marks (as SkipArabicLetters vouches for them) and of
// ZWNJ; `space`: ' '; `khe`: the second byte of خ; `triple`: a byte k
// where bytes k and k+1 equal those 2 and 4 before (three equal two-byte
// characters ending at k); `zwnj`: the first byte of a ZWNJ.
struct ArabicMasks {
  uint64_t word = 0, space = 0, khe = 0, triple = 0, zwnj = 0;
};

// The masks of s[0, 64). Reads s[-4, 66): the caller keeps that in bounds.
// SSE2; elsewhere all masks are empty (no byte is vouched for).
inline ArabicMasks ArabicBlock(const unsigned char* s) {
  ArabicMasks m;
#if defined(__SSE2__)
  const __m128i k03 = _mm_set1_epi8(0x03), k3f = _mm_set1_epi8(0x3F), kfc = _mm_set1_epi8(static_cast<char>(0xFC));
  const __m128i kd8 = _mm_set1_epi8(static_cast<char>(0xD8)), kc0 = _mm_set1_epi8(static_cast<char>(0xC0));
  const __m128i k1f = _mm_set1_epi8(0x1F), kf0 = _mm_set1_epi8(static_cast<char>(0xF0)), k60 = _mm_set1_epi8(0x60);
  const __m128i kd4 = _mm_set1_epi8(static_cast<char>(0xD4)), k2e = _mm_set1_epi8(0x2E);
  const __m128i ke2 = _mm_set1_epi8(static_cast<char>(0xE2)), k80 = _mm_set1_epi8(static_cast<char>(0x80));
  const __m128i k8c = _mm_set1_epi8(static_cast<char>(0x8C)), kspace = _mm_set1_epi8(' ');
  uint64_t good = 0, zwnj = 0, space = 0, khe = 0, same = 0;
  for (int o = 0; o < 64; o += 16) {
    auto load = [&](int at) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + o + at)); };
    const __m128i v = load(0), prev = load(-1);
    const __m128i cont = _mm_cmpgt_epi8(kc0, v);
    const __m128i pair = _mm_and_si128(_mm_cmpeq_epi8(_mm_and_si128(prev, kfc), kd8), cont);
    const __m128i code = _mm_or_si128(_mm_slli_epi16(_mm_and_si128(prev, k03), 6), _mm_and_si128(v, k3f));
    const __m128i maybe_not_letter =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(code, k1f), code), _mm_cmpeq_epi8(_mm_and_si128(code, kf0), k60)),
                     _mm_cmpeq_epi8(_mm_max_epu8(code, kd4), code));
    const __m128i z = _mm_and_si128(_mm_and_si128(_mm_cmpeq_epi8(v, ke2), _mm_cmpeq_epi8(load(1), k80)),
                                    _mm_cmpeq_epi8(load(2), k8c));
    const __m128i eq = _mm_and_si128(_mm_cmpeq_epi8(v, load(-2)), _mm_cmpeq_epi8(v, load(-4)));
    auto bits = [&](__m128i x) { return static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(x))) << o; };
    good |= bits(_mm_andnot_si128(maybe_not_letter, pair));
    zwnj |= bits(z);
    space |= bits(_mm_cmpeq_epi8(v, kspace));
    khe |= bits(_mm_and_si128(pair, _mm_cmpeq_epi8(code, k2e)));
    same |= bits(eq);
  }
  // A good character's bits are its continuation byte and, one before, its lead.
  m.word = good | (good >> 1) | zwnj | (zwnj << 1) | (zwnj << 2);
  m.space = space;
  m.khe = khe;
  m.triple = same & (same >> 1);
  m.zwnj = zwnj;
#else
  (void)s;
#endif
  return m;
}

}  // namespace quotematch::internal
