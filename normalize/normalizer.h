// File: normalize/normalizer.h
//
// Normalizer turns raw English or Persian text into a NormalizedText:
//   display  NFKC, Persian letters unified (ي→ی, ك→ک), Arabic-Indic digits
//            shown as Persian digits, tatweel and invisible controls removed;
//            safe to show to people.
//   key      the display form folded for matching: ASCII digits, no
//            diacritics, no ZWNJ, quotes and dashes folded, case-folded,
//            whitespace runs collapsed to one space.
//   tokens   words, numbers (with their value) and punctuation of the key,
//            each with its span in the original text.
// Both outputs carry a byte-level map back to the original text.
//
//   const Normalizer& n = Normalizer::Default();
//   absl::StatusOr<NormalizedText> t = n.Normalize("گفت: «۲۴٫۵ درصد»", Language::kPersian);
//   Span s = t->DisplayToOriginal({0, 6});
//
// The rules are data (data/normalize/chars.tsv); a Normalizer is immutable
// and thread-safe after Load().
//
// Limits: input up to 4 GiB (offsets are 32-bit). Invalid UTF-8 is an error
// (InvalidArgument naming the byte offset), never repaired silently.
#pragma once

#include <memory>
#include <string_view>

#include "absl/status/statusor.h"
#include "normalize/char_rules.h"
#include "normalize/types.h"

namespace quotematch {

// Guesses the language from the script of the first letters: Persian when
// Arabic-script letters outnumber Latin ones, English otherwise.
Language DetectLanguage(std::string_view text);

class Normalizer {
 public:
  // `rules` must outlive the Normalizer.
  explicit Normalizer(const CharRules& rules) : rules_(rules) {}
  // A Normalizer over CharRules::Default().
  static const Normalizer& Default();

  Normalizer(const Normalizer&) = delete;
  Normalizer& operator=(const Normalizer&) = delete;

  // Normalizes `text`. Language::kUnspecified detects the language. Returns
  // InvalidArgument "invalid UTF-8 at byte N" for malformed input.
  absl::StatusOr<NormalizedText> Normalize(std::string_view text, Language language) const;

 private:
  const CharRules& rules_;
};

}  // namespace quotematch
