#include "normalize/normalizer.h"

#include "base/strings.h"
#include "base/utf8.h"
#include "normalize/unicode.h"

namespace quotematch {

Language DetectLanguage(std::string_view text) {
  size_t arabic = 0, latin = 0, i = 0, seen = 0;
  while (i < text.size() && seen < 2000) {
    char32_t c = DecodeUtf8(text, &i);
    if (unicode::IsArabicScript(c) && unicode::IsLetter(c)) {
      ++arabic;
      ++seen;
    } else if (c < 0x250 && unicode::IsLetter(c)) {
      ++latin;
      ++seen;
    }
  }
  return arabic > latin ? Language::kPersian : Language::kEnglish;
}

Normalizer::Normalizer(const CharRules& rules, const PersianWordRules& words,
                       const TextAnalyzer& analyzer, NormalizerOptions options)
    : options_(options),
      words_(words),
      analyzer_(analyzer),
      display_table_(rules, options, /*key=*/false),
      key_table_(rules, options, /*key=*/true) {}

const Normalizer& Normalizer::Default() {
  static const Normalizer normalizer(CharRules::Default(), PersianWordRules::Default(),
                                     TextAnalyzer::Default());
  return normalizer;
}

absl::StatusOr<NormalizedText> Normalizer::Normalize(std::string_view text, Language language) const {
  if (text.size() > 0xFFFFFFF0u) return absl::ResourceExhaustedError("text larger than 4 GiB");
  NormalizedText out;
  out.language = language == Language::kUnspecified ? DetectLanguage(text) : language;
  const uint32_t size = static_cast<uint32_t>(text.size());

  // The intermediate text is reused per thread: a large input would
  // otherwise fault in fresh pages on every call.
  thread_local std::string chars;
  chars.clear();
  OffsetMapBuilder chars_map;
  size_t invalid_at = 0;
  if (!internal::CharPass(text, display_table_, options_.nfkc, &chars, &chars_map, &invalid_at)) {
    return absl::InvalidArgumentError(StrCat("invalid UTF-8 at byte ", invalid_at));
  }
  OffsetMap m1 = chars_map.Finish(size);

  OffsetMapBuilder display_map;
  internal::SpacingPass(chars, out.language, options_, words_, &out.display, &display_map);
  OffsetMap m2 = display_map.Finish(static_cast<uint32_t>(chars.size()));
  out.display_map = OffsetMap::Compose(m1, m2);

  OffsetMapBuilder key_map;
  internal::KeyPass(out.display, key_table_, &out.key, &key_map);
  out.key_to_display = key_map.Finish(static_cast<uint32_t>(out.display.size()));
  out.key_map = OffsetMap::Compose(out.display_map, out.key_to_display);

  if (options_.analyze) analyzer_.Analyze(&out);
  return out;
}

}  // namespace quotematch
