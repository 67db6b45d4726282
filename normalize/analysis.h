// File: normalize/analysis.h
//
// Analysis of a normalized text: tokens (ICU word breaking over the display
// form, which keeps ZWNJ-joined Persian words whole; URLs, e-mail addresses,
// @mentions and #hashtags as single tokens), numeric values of digits and of
// number words in English and Persian ("2.5 million", "بیست و پنج",
// "۲۴ هزار"), and calendar dates in the Solar Hijri and Gregorian calendars
// ("۱۹ بهمن ۱۴۰۲" = "February 8, 2024"; ICU's Persian calendar converts).
//
//   const TextAnalyzer& a = TextAnalyzer::Default();
//   a.Analyze(&normalized, key_to_display);   // fills tokens, quantities, dates
//
// Number words and month variants are data (data/normalize/); standard
// month names come from ICU's CLDR data at load time. Immutable and
// thread-safe after Load().
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "normalize/types.h"

namespace quotematch {

class TextAnalyzer {
 public:
  static absl::StatusOr<std::unique_ptr<TextAnalyzer>> Load(std::string_view number_words,
                                                            std::string_view month_variants);
  static const TextAnalyzer& Default();

  // Fills t->tokens, t->quantities and t->dates from t->display and t->key;
  // `key_to_display` maps t->key to t->display (the key pass's own map,
  // which Normalizer keeps to itself).
  void Analyze(NormalizedText* t, const OffsetMap& key_to_display) const;

  // The value of a number written in words and/or digits, given as
  // match-key words (e.g. {"بیست", "و", "پنج"}), or nullopt.
  std::optional<double> ParseNumber(const std::vector<std::string>& key_words, Language language,
                                    bool* ordinal = nullptr) const;

  enum class WordKind { kUnit, kTen, kHundred, kTimes100, kScale, kOrdinal };
  struct NumberWord {
    double value;
    WordKind kind;
  };

 private:
  TextAnalyzer() = default;
  const NumberWord* FindNumberWord(std::string_view key, Language language, bool* ordinal) const;
  void Tokenize(NormalizedText* t, const OffsetMap& key_to_display) const;
  void FindQuantities(NormalizedText* t) const;
  void FindDates(NormalizedText* t) const;

  absl::flat_hash_map<std::string, NumberWord> en_words_, fa_words_;
  // match key → month (1–12); Persian-calendar and Gregorian names apart.
  absl::flat_hash_map<std::string, int> persian_months_, gregorian_months_;
};

}  // namespace quotematch
