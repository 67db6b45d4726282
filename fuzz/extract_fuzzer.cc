// libFuzzer target: the extractor on arbitrary text, in both languages.
// Invalid UTF-8 is the normalizer's to refuse; on anything it accepts, the
// extractor must not crash, and every statement's spans must lie inside the
// text, content inside its sentence span, parts in order inside the
// content span, and ids in sequence.
//
//   scripts/fuzz extract 600    # ten minutes under ASan + UBSan
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "extract/extractor.h"
#include "normalize/normalizer.h"

using namespace quotematch;

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

void CheckSpan(const Span& s, size_t size) { Check(s.begin <= s.end && s.end <= size); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (Language lang : {Language::kEnglish, Language::kPersian}) {
    auto norm = Normalizer::Default().Normalize(text, lang);
    if (!norm.ok()) continue;
    const Document doc{"f", lang, text, std::nullopt, ""};
    const auto statements = Extractor::Default().Extract(doc, *norm);
    for (size_t i = 0; i < statements.size(); ++i) {
      const Statement& s = statements[i];
      Check(s.id == "f#" + std::to_string(i));
      CheckSpan(s.content_span, size);
      CheckSpan(s.sentence_span, size);
      Check(s.sentence_span.Contains(s.content_span));
      Check(!s.content.empty());
      uint32_t at = s.content_span.begin;
      for (const Span& p : s.content_parts) {
        CheckSpan(p, size);
        Check(p.begin >= at && p.end <= s.content_span.end);
        at = p.end;
      }
      for (const Span& f : s.fragments) CheckSpan(f, size);
      if (s.speaker_span) CheckSpan(*s.speaker_span, size);
      if (s.speaker_name_span) CheckSpan(*s.speaker_name_span, size);
      if (s.cue_span) CheckSpan(*s.cue_span, size);
      Check(s.confidence > 0 && s.confidence <= 1);
    }
  }
  return 0;
}
