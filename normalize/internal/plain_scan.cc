#include "normalize/internal/plain_scan.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define QM_HAVE_SSSE3_DISPATCH 1
#endif

namespace quotematch::internal {

PlainScanner::PlainScanner(const std::function<bool(char32_t)>& plain, bool single_spaces)
    : single_spaces_(single_spaces) {
  for (char32_t c = 0; c < 0x80; ++c) {
    if (!plain(c)) ascii_[c >> 3] |= static_cast<uint8_t>(1u << (c & 7));
  }
  for (char32_t c = 0; c < 0x100; ++c) {
    if (!plain(0x600 + c)) arabic_[c >> 3] |= static_cast<uint8_t>(1u << (c & 7));
  }
  if (single_spaces) ascii_[' ' >> 3] &= static_cast<uint8_t>(~(1u << (' ' & 7)));  // decided by what follows
#if defined(QM_HAVE_SSSE3_DISPATCH)
  if (__builtin_cpu_supports("ssse3")) skip_ = &SkipSsse3;
#endif
}

#if defined(QM_HAVE_SSSE3_DISPATCH)
namespace {
// Whether bit (x & 7) of `row` is set, in each byte.
__attribute__((target("ssse3"))) inline __m128i BitSet(__m128i row, __m128i x) {
  const __m128i bit_of = _mm_setr_epi8(1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16, 32, 64, -128);
  const __m128i bit = _mm_shuffle_epi8(bit_of, _mm_and_si128(x, _mm_set1_epi8(0x07)));
  return _mm_cmpeq_epi8(_mm_and_si128(row, bit), bit);
}
}  // namespace

__attribute__((target("ssse3"))) size_t PlainScanner::SkipSsse3(const PlainScanner& p, const unsigned char* s,
                                                                 size_t i, size_t n) {
  if (i == 0) return i;
  const __m128i ascii = _mm_load_si128(reinterpret_cast<const __m128i*>(p.ascii_));
  const __m128i arabic_lo = _mm_load_si128(reinterpret_cast<const __m128i*>(p.arabic_));
  const __m128i arabic_hi = _mm_load_si128(reinterpret_cast<const __m128i*>(p.arabic_ + 16));
  const __m128i k0f = _mm_set1_epi8(0x0F), k1f = _mm_set1_epi8(0x1F);
  const __m128i k03 = _mm_set1_epi8(0x03), k3f = _mm_set1_epi8(0x3F), k80 = _mm_set1_epi8(-128);
  const __m128i kfc = _mm_set1_epi8(static_cast<char>(0xFC)), kd8 = _mm_set1_epi8(static_cast<char>(0xD8));
  const __m128i kc0 = _mm_set1_epi8(static_cast<char>(0xC0)), kminus1 = _mm_set1_epi8(-1);
  const __m128i kspace = _mm_set1_epi8(' '), klf = _mm_set1_epi8('\n'), ktab = _mm_set1_epi8('\t');
  const __m128i kcr = _mm_set1_epi8('\r'), kc2 = _mm_set1_epi8(static_cast<char>(0xC2));
  const __m128i ke0 = _mm_set1_epi8(static_cast<char>(0xE0));
  // A space that does not stay: what follows it is whitespace, or may be
  // (C2: U+0085, U+00A0), or a character of three or more bytes.
  auto bad_spaces = [&](__m128i v) -> unsigned {
    if (!p.single_spaces_) return 0;
    const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i + 1));
    const __m128i ws = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(next, kspace), _mm_cmpeq_epi8(next, klf)),
                                    _mm_or_si128(_mm_cmpeq_epi8(next, ktab), _mm_cmpeq_epi8(next, kcr)));
    const __m128i long_or_c2 = _mm_or_si128(_mm_cmpeq_epi8(next, kc2), _mm_cmpeq_epi8(_mm_max_epu8(next, ke0), next));
    return static_cast<unsigned>(_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(v, kspace), _mm_or_si128(ws, long_or_c2))));
  };
  while (i + 17 <= n) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
    const __m128i ascii_row = _mm_shuffle_epi8(ascii, _mm_and_si128(_mm_srli_epi16(v, 3), k0f));
    if (_mm_movemask_epi8(v) == 0) {  // all ASCII: English text, and spaces and marks in Persian
      const unsigned stops = static_cast<unsigned>(_mm_movemask_epi8(BitSet(ascii_row, v))) | bad_spaces(v);
      if (stops != 0) return i + static_cast<unsigned>(__builtin_ctz(stops));
      i += 16;
      continue;
    }
    const __m128i prev = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i - 1));
    const __m128i is_ascii = _mm_cmpgt_epi8(v, kminus1);
    const __m128i ascii_bad = _mm_and_si128(is_ascii, BitSet(ascii_row, v));
    const __m128i lead = _mm_cmpeq_epi8(_mm_and_si128(v, kfc), kd8);  // D8–DB
    const __m128i cont = _mm_cmpgt_epi8(kc0, v);                       // 80–BF
    // The second byte of an Arabic block character, and the character's
    // low 8 bits: (lead & 3) << 6 | (cont & 3F).
    const __m128i pair = _mm_and_si128(_mm_cmpeq_epi8(_mm_and_si128(prev, kfc), kd8), cont);
    const __m128i code = _mm_or_si128(_mm_slli_epi16(_mm_and_si128(prev, k03), 6), _mm_and_si128(v, k3f));
    const __m128i row_index = _mm_and_si128(_mm_srli_epi16(code, 3), k1f);  // 0–31
    const __m128i upper = _mm_cmpgt_epi8(row_index, k0f);
    // PSHUFB gives 0 where the index has bit 7 set: each half answers for its rows.
    const __m128i arabic_row =
        _mm_or_si128(_mm_shuffle_epi8(arabic_lo, _mm_or_si128(row_index, _mm_and_si128(upper, k80))),
                     _mm_shuffle_epi8(arabic_hi, _mm_or_si128(row_index, _mm_andnot_si128(upper, k80))));
    const __m128i arabic_bad = _mm_and_si128(pair, BitSet(arabic_row, code));
    // Anything that is neither ASCII, nor a D8–DB lead, nor a continuation.
    const __m128i other = _mm_andnot_si128(_mm_or_si128(is_ascii, _mm_or_si128(lead, cont)), kminus1);
    // Invalid UTF-8 stops too (the character pass reads unchecked input): a
    // D8–DB lead without a continuation, a continuation without its lead.
    const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i + 1));
    const __m128i invalid =
        _mm_or_si128(_mm_andnot_si128(_mm_cmpgt_epi8(kc0, next), lead), _mm_andnot_si128(pair, cont));
    unsigned stops = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(ascii_bad, other), invalid)));
    // A bad character is reported at its continuation: move to its lead.
    stops |= static_cast<unsigned>(_mm_movemask_epi8(arabic_bad)) >> 1;
    stops |= bad_spaces(v);
    if (stops != 0) return i + static_cast<unsigned>(__builtin_ctz(stops));
    i += s[i + 15] >= 0xC0 ? 15 : 16;  // a character cut by the block is tested whole in the next
  }
  return i;
}
#else
size_t PlainScanner::SkipSsse3(const PlainScanner&, const unsigned char*, size_t i, size_t) { return i; }
#endif

}  // namespace quotematch::internal
