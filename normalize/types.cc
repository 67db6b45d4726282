#include "normalize/types.h"

namespace quotematch {
namespace {

Span MapSpan(const std::vector<Span>& map, Span s, uint32_t original_size) {
  if (map.empty()) return Span{0, 0};
  if (s.begin >= map.size()) return Span{original_size, original_size};
  if (s.empty()) return Span{map[s.begin].begin, map[s.begin].begin};
  uint32_t last = std::min<uint32_t>(s.end, map.size()) - 1;
  return Span{map[s.begin].begin, map[last].end};
}

uint32_t OriginalSize(const std::vector<Span>& map) {
  return map.empty() ? 0 : map.back().end;
}

}  // namespace

std::string_view LanguageCode(Language language) {
  switch (language) {
    case Language::kEnglish: return "en";
    case Language::kPersian: return "fa";
    default: return "unspecified";
  }
}

Span NormalizedText::DisplayToOriginal(Span s) const {
  return MapSpan(display_map, s, OriginalSize(display_map));
}

Span NormalizedText::KeyToOriginal(Span s) const {
  return MapSpan(key_map, s, OriginalSize(key_map));
}

}  // namespace quotematch
