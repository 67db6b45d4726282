// libFuzzer target: the normalizer and tokenizer on arbitrary bytes, in both
// languages. Invalid UTF-8 must give an error status; valid input must give
// offset maps that tile the output, stay inside the input and never go back,
// and tokens whose spans do. The vector paths must agree with their scalar
// twins: the character and key passes of every instruction set this CPU
// has with the baseline ones, and the spacing pass's block lexing with
// lexing one item at a time.
//
//   scripts/fuzz normalize 600    # ten minutes under ASan + UBSan
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "base/utf8.h"
#include "normalize/internal/kernels/kernels.h"
#include "normalize/internal/passes.h"
#include "normalize/normalizer.h"

using namespace quotematch;

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

void CheckMap(const OffsetMap& m, size_t input_size, size_t output_size) {
  Check(m.output_size() == output_size && m.input_size() == input_size);
  uint32_t out = 0, begin = 0, end = 0;
  for (const auto& s : m.segments()) {
    Check(s.out_begin == out && s.out_begin <= s.out_end);
    Check(s.in_begin <= s.in_end && s.in_end <= input_size);
    Check(s.in_begin >= begin && s.in_end >= end);
    Check(!s.copy || s.out_end - s.out_begin == s.in_end - s.in_begin);
    out = s.out_end;
    begin = s.in_begin;
    end = s.in_end;
  }
  Check(out == output_size);
}

bool SameMap(const OffsetMap& a, const OffsetMap& b) {
  if (a.segments().size() != b.segments().size()) return false;
  for (size_t i = 0; i < a.segments().size(); ++i) {
    const auto &x = a.segments()[i], &y = b.segments()[i];
    if (x.out_begin != y.out_begin || x.out_end != y.out_end || x.in_begin != y.in_begin || x.in_end != y.in_end ||
        x.copy != y.copy) {
      return false;
    }
  }
  return true;
}

// The kernels of every instruction set this CPU has.
std::vector<const internal::PassKernels*> VectorKernels() {
  std::vector<const internal::PassKernels*> sets;
#if defined(__x86_64__)
  if (__builtin_cpu_supports("ssse3") && internal::Ssse3Kernels() != nullptr) sets.push_back(internal::Ssse3Kernels());
  if (__builtin_cpu_supports("avx2") && internal::Avx2Kernels() != nullptr) sets.push_back(internal::Avx2Kernels());
#endif
  return sets;
}

void CheckPassesAgree(std::string_view text) {
  static const NormalizerOptions options;
  static const internal::CharTable display(CharRules::Default(), options, /*key=*/false);
  static const internal::CharTable key(CharRules::Default(), options, /*key=*/true);
  static const std::vector<const internal::PassKernels*> sets = VectorKernels();
  const internal::PassKernels& base = *internal::BaselineKernels();
  const uint32_t size = static_cast<uint32_t>(text.size());
  std::string chars;
  OffsetMapBuilder builder;
  size_t bad = 0;
  const bool ok = base.char_pass(text, display, options.nfkc, &chars, &builder, &bad);
  const OffsetMap chars_map = builder.Finish(size);
  std::string want_key;
  OffsetMap want_key_map;
  if (ok) {
    base.key_pass(chars, key, &want_key, &builder);
    want_key_map = builder.Finish(static_cast<uint32_t>(chars.size()));
  }
  for (const internal::PassKernels* k : sets) {
    std::string got;
    size_t got_bad = 0;
    Check(k->char_pass(text, display, options.nfkc, &got, &builder, &got_bad) == ok);
    const OffsetMap got_map = builder.Finish(size);
    if (!ok) {
      Check(got_bad == bad);
      continue;
    }
    Check(got == chars && SameMap(got_map, chars_map));
    std::string got_key;
    k->key_pass(chars, key, &got_key, &builder);
    Check(got_key == want_key && SameMap(builder.Finish(static_cast<uint32_t>(chars.size())), want_key_map));
  }
  if (!ok) return;
  std::string fast, slow;
  OffsetMapBuilder fast_map, slow_map;
  internal::SpacingPass(chars, Language::kPersian, options, PersianWordRules::Default(), &fast, &fast_map, true);
  internal::SpacingPass(chars, Language::kPersian, options, PersianWordRules::Default(), &slow, &slow_map, false);
  const uint32_t chars_size = static_cast<uint32_t>(chars.size());
  Check(fast == slow && SameMap(fast_map.Finish(chars_size), slow_map.Finish(chars_size)));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const bool valid = FirstInvalidUtf8(text) == std::string_view::npos;
  for (Language lang : {Language::kPersian, Language::kEnglish, Language::kUnspecified}) {
    auto r = Normalizer::Default().Normalize(text, lang);
    Check(r.ok() == valid);
    if (!r.ok()) continue;
    Check(FirstInvalidUtf8(r->display) == std::string_view::npos);
    Check(FirstInvalidUtf8(r->key) == std::string_view::npos);
    CheckMap(r->display_map, size, r->display.size());
    CheckMap(r->key_map, size, r->key.size());
    for (const Token& t : r->tokens) {
      Check(t.original.begin <= t.original.end && t.original.end <= size);
      Check(t.display.end <= r->display.size() && t.key_span.end <= r->key.size());
      // original → display covers the token's display span
      const Span back = r->OriginalToDisplay(t.original);
      Check(back.begin <= t.display.begin && back.end >= t.display.end);
    }
    for (const Quantity& q : r->quantities) Check(q.original.end <= size && q.first_token + q.token_count <= r->tokens.size());
    for (const CalendarDate& d : r->dates) Check(d.original.end <= size);
  }
  CheckPassesAgree(text);
  return 0;
}
