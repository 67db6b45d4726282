// File: normalize/internal/plain_scan.h
//
// PlainScanner finds, 16 bytes at a time, the end of a stretch of
// characters that a pass copies unchanged — its "plain" characters — so
// that the pass's one-character loop only runs where something may change.
// It covers what Persian and English text are made of: ASCII and the
// two-byte characters of the Arabic block (U+0600–U+06FF), each tested
// exactly against a bitmap built from the pass's own table. Any other
// character ends the stretch, plain or not; the caller tests it.
//
//   PlainScanner scanner([&](char32_t c) { return table.Plain(c); });
//   i = scanner.Skip(s, i, n);   // s[i] is not plain, or not ASCII/Arabic
//
// The vector loop uses SSSE3 (PSHUFB), chosen at run time; on CPUs
// without it, and within 16 bytes of the end, Skip does nothing and the
// caller's loop does the work. Immutable and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

namespace quotematch::internal {

class PlainScanner {
 public:
  // `plain(c)` is asked for every c below U+0080 and in U+0600–U+06FF.
  // With `single_spaces`, a space is plain only when what follows it is
  // neither whitespace (space, tab, CR, LF, U+0085, U+00A0) nor a character
  // of three or more bytes — the key pass's rule for a space that stays.
  PlainScanner(const std::function<bool(char32_t)>& plain, bool single_spaces);

  // The first index in [i, n) that does not start a plain ASCII or Arabic
  // block character; `i` when there are fewer than 17 bytes left or `i` is
  // 0. `s[i]` must start a character; invalid UTF-8 after it ends the
  // stretch (it is not plain), so the caller can report it.
  size_t Skip(const unsigned char* s, size_t i, size_t n) const { return skip_(*this, s, i, n); }

 private:
  using SkipFn = size_t (*)(const PlainScanner&, const unsigned char*, size_t, size_t);
  static size_t SkipNone(const PlainScanner&, const unsigned char*, size_t i, size_t) { return i; }
  static size_t SkipSsse3(const PlainScanner& p, const unsigned char* s, size_t i, size_t n);

  SkipFn skip_ = &SkipNone;
  bool single_spaces_ = false;
  alignas(16) uint8_t ascii_[16] = {};   // bit b % 8 of byte b / 8: ASCII b is not plain
  alignas(16) uint8_t arabic_[32] = {};  // likewise for U+0600 + c
};

}  // namespace quotematch::internal
