// File: normalize/normalizer.h
//
// Normalizer turns raw English or Persian text into a NormalizedText:
//   display  what people should see: NFKC, Persian letters unified
//            (ي→ی، ك→ک، ة→ه), Persian digits in Persian text, ZWNJ and word
//            spacing fixed (می‌روم، کتاب‌ها، بزرگ‌تر، خانۀ), punctuation and
//            whitespace tidied; URLs, e-mail addresses, @mentions, #hashtags
//            and Latin tokens untouched
//   key      what matching should see: the display form with ASCII digits,
//            no diacritics, no ZWNJ, folded hamza/heh forms, quotes and
//            dashes, case folding, one space between words, English
//            contractions expanded and possessive 's dropped
//   tokens, quantities, dates   see normalize/analysis.h
// Both outputs carry an offset map back to the original bytes.
//
//   const Normalizer& n = Normalizer::Default();
//   absl::StatusOr<NormalizedText> t = n.Normalize("گفت: «۲۴٫۵ درصد»", Language::kPersian);
//   Span s = t->DisplayToOriginal({0, 6});
//
// Conventions: docs/normalization.md. Rules are data (data/normalize/);
// every operation can be switched by NormalizerOptions. A Normalizer is
// immutable and thread-safe.
//
// Limits: input up to 4 GiB (offsets are 32-bit). Invalid UTF-8 is an error
// (InvalidArgument naming the byte offset), never repaired silently.
#pragma once

#include <memory>
#include <string_view>

#include "absl/status/statusor.h"
#include "normalize/analysis.h"
#include "normalize/char_rules.h"
#include "normalize/internal/passes.h"
#include "normalize/options.h"
#include "normalize/persian_rules.h"
#include "normalize/types.h"

namespace quotematch {

// Guesses the language from the script of the first letters: Persian when
// Arabic-script letters outnumber Latin ones, English otherwise.
Language DetectLanguage(std::string_view text);

class Normalizer {
 public:
  // All references must outlive the Normalizer.
  Normalizer(const CharRules& rules, const PersianWordRules& words, const TextAnalyzer& analyzer,
             NormalizerOptions options = {});
  // A Normalizer over the embedded data with default options.
  static const Normalizer& Default();

  Normalizer(const Normalizer&) = delete;
  Normalizer& operator=(const Normalizer&) = delete;

  // Normalizes `text`. Language::kUnspecified detects the language. Returns
  // InvalidArgument "invalid UTF-8 at byte N" for malformed input.
  absl::StatusOr<NormalizedText> Normalize(std::string_view text, Language language) const;
  // The same into `*out`, reusing the storage it holds from an earlier
  // call: a batch job over many or large texts that keeps one
  // NormalizedText allocates nothing once its buffers have grown (for a
  // megabyte of text, that saves the page faults of about 4 MB of fresh
  // output). On error, `*out` holds no meaningful result.
  absl::Status Normalize(std::string_view text, Language language, NormalizedText* out) const;

  const NormalizerOptions& options() const { return options_; }

 private:
  NormalizerOptions options_;
  const PersianWordRules& words_;
  const TextAnalyzer& analyzer_;
  internal::CharTable display_table_;
  internal::CharTable key_table_;
};

}  // namespace quotematch
