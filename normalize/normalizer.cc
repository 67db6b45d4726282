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
  NormalizedText out;
  absl::Status status = Normalize(text, language, &out);
  if (!status.ok()) return status;
  return out;
}

absl::Status Normalizer::Normalize(std::string_view text, Language language, NormalizedText* result) const {
  if (text.size() > 0xFFFFFFF0u) return absl::ResourceExhaustedError("text larger than 4 GiB");
  NormalizedText& out = *result;
  out.display.clear();
  out.key.clear();
  out.language = language == Language::kUnspecified ? DetectLanguage(text) : language;
  const uint32_t size = static_cast<uint32_t>(text.size());

  // The intermediate text, the maps' builders and the maps in between are
  // reused per thread: a large input would otherwise allocate and fault in
  // fresh pages for each of them on every call (and again as they grow).
  // Only the outputs are allocated, at their final size.
  static constexpr size_t kKeepBytes = size_t{16} << 20;
  struct Scratch {
    std::string chars;
    OffsetMapBuilder builder;
    OffsetMap chars_map, pass_map, composed;
    // After a very large text, give the memory back rather than keep it
    // for the life of the thread.
    void Trim() {
      if (chars.capacity() > kKeepBytes) std::string().swap(chars);
      if (composed.segments().capacity() * sizeof(OffsetMap::Segment) > kKeepBytes) {
        builder = OffsetMapBuilder();
        chars_map = pass_map = composed = OffsetMap();
      }
    }
  };
  thread_local Scratch t;
  t.chars.clear();
  size_t invalid_at = 0;
  if (!internal::CharPass(text, display_table_, options_.nfkc, &t.chars, &t.builder, &invalid_at)) {
    t.builder.FinishInto(size, &t.chars_map);
    return absl::InvalidArgumentError(StrCat("invalid UTF-8 at byte ", invalid_at));
  }
  t.builder.FinishInto(size, &t.chars_map);

  internal::SpacingPass(t.chars, out.language, options_, words_, &out.display, &t.builder);
  t.builder.FinishInto(static_cast<uint32_t>(t.chars.size()), &t.pass_map);
  OffsetMap::ComposeInto(t.chars_map, t.pass_map, &t.composed);
  out.display_map = t.composed;

  internal::KeyPass(out.display, key_table_, &out.key, &t.builder);
  t.builder.FinishInto(static_cast<uint32_t>(out.display.size()), &t.pass_map);
  OffsetMap::ComposeInto(out.display_map, t.pass_map, &t.composed);
  out.key_map = t.composed;
  if (options_.analyze) {
    analyzer_.Analyze(&out, t.pass_map);  // t.pass_map: key → display
  } else {
    out.tokens.clear();
    out.quantities.clear();
    out.dates.clear();
  }
  t.Trim();
  return absl::OkStatus();
}

}  // namespace quotematch
