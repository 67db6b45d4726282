// File: base/utf8.h
//
// Small, dependency-free UTF-8 helpers used by every library.
//
//   if (auto bad = FirstInvalidUtf8(text); bad != std::string_view::npos) ...
//   size_t i = 0; char32_t c = DecodeUtf8(text, &i);   // advances i
//   AppendUtf8(U'ی', &out);
//
// Decoding assumes valid input (check with FirstInvalidUtf8 at the
// boundary); on invalid bytes it returns U+FFFD and advances one byte, so it
// never reads out of bounds.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace quotematch {

// Returns the byte offset of the first invalid UTF-8 sequence in `text`
// (overlong forms, surrogates and code points above U+10FFFF are invalid),
// or std::string_view::npos when the whole text is valid.
size_t FirstInvalidUtf8(std::string_view text);

// Decodes the code point at `*pos` and advances `*pos` past it. Returns
// U+FFFD (advancing one byte) on an invalid or truncated sequence.
char32_t DecodeUtf8Slow(std::string_view text, size_t* pos);
inline char32_t DecodeUtf8(std::string_view text, size_t* pos) {
  const size_t i = *pos;
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const unsigned char c = s[i];
  if (c < 0x80) {
    *pos = i + 1;
    return c;
  }
  // Two-byte sequences (Arabic script, Latin-1) are the common case.
  if ((c & 0xE0) == 0xC0 && i + 1 < text.size() && (s[i + 1] & 0xC0) == 0x80) {
    *pos = i + 2;
    return (static_cast<char32_t>(c & 0x1F) << 6) | (s[i + 1] & 0x3F);
  }
  return DecodeUtf8Slow(text, pos);
}

// Appends the UTF-8 encoding of `c` to `out`.
void AppendUtf8(char32_t c, std::string* out);

// Number of bytes of the UTF-8 sequence whose lead byte is `lead` (1 for
// continuation or invalid bytes).
inline size_t Utf8SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 1;
}

// Parses "U+064A" or "064A" (hex) into a code point. Returns false on
// malformed input or a value that is not a Unicode scalar value.
bool ParseCodePoint(std::string_view text, char32_t* out);

}  // namespace quotematch
