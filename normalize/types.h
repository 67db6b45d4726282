// File: normalize/types.h
//
// Plain types shared by every domain library: byte spans, languages, tokens
// and the result of normalization.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace quotematch {

// A half-open range [begin, end) of byte offsets.
struct Span {
  uint32_t begin = 0;
  uint32_t end = 0;
  uint32_t size() const { return end - begin; }
  bool empty() const { return end <= begin; }
  bool Contains(Span o) const { return begin <= o.begin && o.end <= end; }
  friend bool operator==(Span a, Span b) = default;
};

enum class Language { kUnspecified = 0, kEnglish = 1, kPersian = 2 };

// "en", "fa" or "unspecified".
std::string_view LanguageCode(Language language);

enum class TokenKind { kWord = 1, kNumber = 2, kPunctuation = 3 };

struct Token {
  std::string key;        // match-key form
  Span original;          // bytes of the original text
  Span key_span;          // bytes of NormalizedText::key
  TokenKind kind = TokenKind::kWord;
  double number = 0;      // value of a kNumber token
  bool capitalized = false;  // original starts with an upper-case letter
  bool arabic_script = false;
};

// Result of Normalizer::Normalize. Every output byte maps back to the span of
// original bytes it was produced from (`*_map[i]` for output byte i); bytes
// produced from one original character share that character's span.
struct NormalizedText {
  Language language = Language::kUnspecified;
  std::string display;
  std::vector<Span> display_map;
  std::string key;
  std::vector<Span> key_map;
  std::vector<Token> tokens;

  // Maps a non-empty span of `display` (resp. `key`) to the original bytes it
  // came from: from the start of the first byte's source to the end of the
  // last byte's source. An empty span maps to an empty span at its position.
  Span DisplayToOriginal(Span display_span) const;
  Span KeyToOriginal(Span key_span) const;
};

}  // namespace quotematch
