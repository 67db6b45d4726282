// File: align/lexicon.h
//
// The bilingual lexicon compiled for matching: every entry's English side
// as a sequence of lower-case words, its Persian side as a sequence of
// *slots* (each slot a set of match-key forms that satisfy it: a word, or a
// verb's past/present stems), indexed by the first English word.
//
//   ASSIGN_OR_RETURN(auto lex, Lexicon::Load(tsv, "starter.tsv", stemmer));
//   for (uint32_t id : lex->EntriesStartingWith("foreign")) { ... lex->entry(id) ... }
//
// Format of the TSV: see data/lexicon/starter.tsv. Load() rejects malformed
// lines, unknown parts of speech, exact duplicates, a Persian side without
// Arabic-script letters and an English side with them, naming file and line.
//
// Persian compound verbs: a light verb (کردن، شدن، دادن، ...) after other
// words is optional, since it inflects and may be separated from its noun
// ("تأکید کردن" is satisfied by تأکید). A verb alone is matched by its stems.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "align/morphology.h"

namespace quotematch {

struct LexiconEntry {
  std::string english;                      // as written in the data file
  std::string persian;                      // as written in the data file
  std::string pos;
  std::vector<std::string> english_words;   // lower case
  std::vector<std::vector<std::string>> persian_slots;
  float weight = 1.0f;
};

class Lexicon {
 public:
  static absl::StatusOr<std::unique_ptr<Lexicon>> Load(std::string_view tsv, std::string_view file,
                                                       const PersianStemmer& stemmer);

  Lexicon(const Lexicon&) = delete;
  Lexicon& operator=(const Lexicon&) = delete;

  // Entry ids whose English side starts with `word`, longest phrases first.
  const std::vector<uint32_t>& EntriesStartingWith(std::string_view word) const;
  const LexiconEntry& entry(uint32_t id) const { return entries_[id]; }
  size_t size() const { return entries_.size(); }

 private:
  Lexicon() = default;
  std::vector<LexiconEntry> entries_;
  absl::flat_hash_map<std::string, std::vector<uint32_t>> by_first_word_;
};

}  // namespace quotematch
