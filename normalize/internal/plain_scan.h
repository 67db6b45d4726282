// File: normalize/internal/plain_scan.h
//
// PlainScanner holds what the vector scan of a pass needs to know of its
// "plain" characters — those it copies unchanged — as bitmaps: one bit per
// ASCII character and one per character of the Arabic block
// (U+0600–U+06FF), the two that Persian and English text are made of.
// SkipPlain (kernels/skip_*.inc, one per instruction set) uses them to find,
// 16 or 32 bytes at a time, the end of a stretch of plain characters, so
// that the pass's one-character loop only runs where something may change:
//
//   i = SkipPlain<kSingleSpaces, kValidate>(scanner, s, i, n);
//
// SkipPlain's contract: `s[i]` starts a character; it returns the first
// index in [i, n) that does not start a plain ASCII or Arabic block
// character (any other character ends the stretch, plain or not: the
// caller tests it), or `i` when fewer than a block's bytes plus one are
// left or `i` is 0 (it reads the byte before each block). With
// kSingleSpaces, a space is plain only when what follows it is neither
// whitespace (space, tab, CR, LF, U+0085, U+00A0) nor a character of three
// or more bytes — the key pass's rule for a space that stays. With
// kValidate, invalid UTF-8 also ends the stretch, so that the caller can
// report it (the character pass reads unchecked input).
//
// Immutable and thread-safe.
#pragma once

#include <cstdint>
#include <functional>

namespace quotematch::internal {

class PlainScanner {
 public:
  // `plain(c)` is asked for every c below U+0080 and in U+0600–U+06FF.
  // `space_decided_by_next`: the space is left to kSingleSpaces (its bit
  // stays clear whatever `plain(' ')` says).
  PlainScanner(const std::function<bool(char32_t)>& plain, bool space_decided_by_next);

  // Bit c % 8 of byte c / 8 set: ASCII c (ascii) or U+0600 + c (arabic) is
  // not plain. 16-byte aligned, for vector loads.
  const uint8_t* ascii() const { return ascii_; }
  const uint8_t* arabic() const { return arabic_; }

 private:
  alignas(16) uint8_t ascii_[16] = {};
  alignas(16) uint8_t arabic_[32] = {};
};

}  // namespace quotematch::internal
