// libFuzzer target: the normalizer and tokenizer on arbitrary bytes, in both
// languages. Invalid UTF-8 must give an error status; valid input must give
// offset maps that stay inside the input and tokens whose spans do.
//
//   scripts/fuzz normalize 600    # ten minutes under ASan + UBSan
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "base/utf8.h"
#include "normalize/normalizer.h"

using namespace quotematch;

static void Check(bool ok) {
  if (!ok) std::abort();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const bool valid = FirstInvalidUtf8(text) == std::string_view::npos;
  for (Language lang : {Language::kPersian, Language::kEnglish, Language::kUnspecified}) {
    auto r = Normalizer::Default().Normalize(text, lang);
    Check(r.ok() == valid);
    if (!r.ok()) continue;
    Check(FirstInvalidUtf8(r->display) == std::string_view::npos);
    Check(FirstInvalidUtf8(r->key) == std::string_view::npos);
    Check(r->display_map.output_size() == r->display.size());
    Check(r->key_map.output_size() == r->key.size());
    for (const auto& s : r->display_map.segments()) Check(s.in_end <= size && s.in_begin <= s.in_end);
    for (const auto& s : r->key_map.segments()) Check(s.in_end <= size && s.in_begin <= s.in_end);
    for (const Token& t : r->tokens) {
      Check(t.original.begin <= t.original.end && t.original.end <= size);
      Check(t.display.end <= r->display.size() && t.key_span.end <= r->key.size());
    }
    for (const Quantity& q : r->quantities) Check(q.original.end <= size && q.first_token + q.token_count <= r->tokens.size());
    for (const CalendarDate& d : r->dates) Check(d.original.end <= size);
  }
  return 0;
}
