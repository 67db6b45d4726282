// File: normalize/span.h
//
// Span: a half-open range [begin, end) of byte offsets; Language.
#pragma once

#include <cstdint>
#include <string_view>

namespace quotematch {

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

}  // namespace quotematch
