// File: align/morphology.h
//
// Light morphology for matching: candidate lemmas of an English word and
// candidate stems of a Persian word (match-key forms). Candidates are
// over-generated on purpose: the lexicon decides which of them exist.
//
//   EnglishLemmatizer en = ...;   en.Candidates("countries") → {countries, country, ...}
//   PersianStemmer fa = ...;      fa.Candidates("کشورهای") → {کشورهای, کشورها, کشور, ...}
//
// Issue 4 replaces these with full lemmatizers; the interface stays.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "base/strings.h"

namespace quotematch {

class EnglishLemmatizer {
 public:
  // `irregular`: FORM<TAB>LEMMA lines; `stopwords`: one word per line.
  static absl::StatusOr<std::unique_ptr<EnglishLemmatizer>> Load(std::string_view irregular,
                                                                 std::string_view stopwords);
  // Candidate lemmas of a lower-case word, the word itself first.
  std::vector<std::string> Candidates(std::string_view word) const;
  bool IsStopword(std::string_view word) const { return stopwords_.contains(AsAbsl(word)); }

 private:
  absl::flat_hash_map<std::string, std::string> irregular_;
  absl::flat_hash_set<std::string> stopwords_;
};

class PersianStemmer {
 public:
  // `verbs`: data/lexicon/fa_verbs.tsv (INFINITIVE, PAST, PRESENT[, colloquial]);
  // `stopwords`: one per line. Both are normalized to match-key form.
  static absl::StatusOr<std::unique_ptr<PersianStemmer>> Load(std::string_view verbs,
                                                              std::string_view stopwords);
  // Candidate stems of a match-key word, the word itself first: inflectional
  // prefixes (می، نمی، ب، ن) and suffixes (plural, enclitics, ezafe/indefinite
  // ی, personal endings, comparative) stripped in every combination that
  // leaves at least two letters.
  std::vector<std::string> Candidates(std::string_view word) const;
  bool IsStopword(std::string_view word) const { return stopwords_.contains(AsAbsl(word)); }
  // Past and present stems of an infinitive (key form); empty if it is not one.
  std::vector<std::string> VerbStems(std::string_view infinitive) const;

 private:
  absl::flat_hash_map<std::string, std::string> present_stems_;
  absl::flat_hash_set<std::string> stopwords_;
};

}  // namespace quotematch
