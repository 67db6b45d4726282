// File: align/morphology.h
//
// Morphology for matching: the lemmas of an English word and of a Persian
// word, with the path that led to each, and the wider candidate sets the
// aligner probes the lexicon with.
//
//   ASSIGN_OR_RETURN(auto en, EnglishLemmatizer::Load(irregular, stopwords));
//   en->Lemma("countries")   → "country"
//   ASSIGN_OR_RETURN(auto fa, PersianStemmer::Load(verbs, broken_plurals, stopwords));
//   fa->SetVocabulary(lexicon.PersianVocabulary());
//   fa->Analyze("می‌گویند")  → {گفتن, "می + گو + یند → گفتن (present)"}, ...
//
// Both lemmatizers are rules plus tables of our own (data/lexicon/): English
// irregular forms, Persian verb stems and broken plurals. Neither needs a
// dictionary to run; given a vocabulary (the lexicon's lemmas) they prefer
// the analysis whose lemma is a known word, so "ایرانیان" → ایرانی and
// "مردان" → مرد, while "میدان" stays a noun and "میدانند" becomes دانستن.
// Words are match keys (normalize/ key form: no ZWNJ, no diacritics, ی ک).
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

// Known lemmas and the parts of speech they have: bit (1 << part of speech,
// numbered as align/lexicon.h's PartOfSpeech).
using Vocabulary = absl::flat_hash_map<std::string, uint16_t>;
constexpr uint16_t kNounBits = 1 << 0, kVerbBits = 1 << 1, kAdjBits = 1 << 2, kAdvBits = 1 << 3,
                   kNameBits = 1 << 7;

// One reading of a word: its lemma and how it was reached.
struct WordAnalysis {
  std::string lemma;
  std::string path;     // "کشور + ها + یشان", "stopped: -ped → stop"; empty if the word itself
  bool verb = false;    // Persian: a conjugated verb, lemma an infinitive
  bool known = false;   // the lemma is in the vocabulary
};

class EnglishLemmatizer {
 public:
  // `irregular`: FORM<TAB>LEMMA lines; `stopwords`: one word per line.
  static absl::StatusOr<std::unique_ptr<EnglishLemmatizer>> Load(std::string_view irregular,
                                                                 std::string_view stopwords);
  // Known lemmas (lower case), e.g. the lexicon's one-word English sides.
  void SetVocabulary(Vocabulary words) { vocabulary_ = std::move(words); }

  // The readings of a lower-case word, best first; never empty.
  std::vector<WordAnalysis> Analyze(std::string_view word) const;
  std::string Lemma(std::string_view word) const { return Analyze(word)[0].lemma; }
  // Candidate lemmas, the word itself first (over-generated: the lexicon decides).
  std::vector<std::string> Candidates(std::string_view word) const;
  bool IsStopword(std::string_view word) const { return stopwords_.contains(AsAbsl(word)); }

 private:
  absl::flat_hash_map<std::string, std::vector<std::string>> irregular_;
  absl::flat_hash_set<std::string> stopwords_;
  Vocabulary vocabulary_;
};

class PersianStemmer {
 public:
  // `verbs`: data/lexicon/fa_verbs.tsv (INFINITIVE, PAST, PRESENT[, colloquial]);
  // `broken_plurals`: PLURAL<TAB>SINGULAR; `stopwords`: one per line;
  // `not_plural`: words ending in ها that are not plurals (تنها), one per line.
  // All are normalized to match-key form.
  static absl::StatusOr<std::unique_ptr<PersianStemmer>> Load(std::string_view verbs,
                                                              std::string_view broken_plurals,
                                                              std::string_view stopwords,
                                                              std::string_view not_plural = {});
  // Known lemmas in key form, e.g. the lexicon's one-word Persian sides.
  void SetVocabulary(Vocabulary words) { vocabulary_ = std::move(words); }
  // How many lexicon entries use each verb (infinitive → count): among
  // readings of one shape the more used verb comes first (می‌رود → رفتن, not روییدن).
  void SetVerbUse(absl::flat_hash_map<std::string, int> use) { verb_use_ = std::move(use); }
  bool Known(std::string_view w) const { return vocabulary_.contains(AsAbsl(w)); }
  bool KnownAs(std::string_view w, uint16_t pos_bits) const {
    auto it = vocabulary_.find(AsAbsl(w));
    return it != vocabulary_.end() && (it->second & pos_bits) != 0;
  }

  // The readings of a match-key word, best first; never empty:
  //  - verbs: (ن|نمی|می|ب)? + past or present stem + personal ending, and the
  //    participle + ام/ای/ایم/اید/اند, lemma the infinitive; stem-initial آ/ا
  //    after ب/ن (بیاید، نیفتاد);
  //  - nominals: comparative تر/ترین, plural ها/ان/یان/گان/ات/جات/ین/ون,
  //    ezafe and indefinite ی/یی/ای, enclitic pronouns (م ت ش مان تان شان
  //    and their ا/ی-glide forms), peeled in that order from the right;
  //  - broken plurals from the table (اخبار → خبر، مسائل → مسئله).
  std::vector<WordAnalysis> Analyze(std::string_view word) const;
  std::string Lemma(std::string_view word) const { return Analyze(word)[0].lemma; }
  // Candidate lemmas and stems, the word itself first (over-generated on purpose).
  std::vector<std::string> Candidates(std::string_view word) const;
  bool IsStopword(std::string_view word) const { return stopwords_.contains(AsAbsl(word)); }
  // Past stem, present stem and participle of an infinitive (key form); empty if not one.
  std::vector<std::string> VerbStems(std::string_view infinitive) const;
  // Light verbs of compound verbs (کردن، شدن، دادن، ...), as infinitives.
  static bool IsLightVerb(std::string_view infinitive);
  // Compound verbs in a sentence of lemmas: a word followed, within `window`
  // words, by a light verb, e.g. تاکید ... کرد → "تاکید کردن". Returns
  // (index of the noun, compound lemma) pairs.
  std::vector<std::pair<size_t, std::string>> CompoundVerbs(
      const std::vector<std::vector<WordAnalysis>>& sentence, size_t window = 3) const;

 private:
  struct Verb {
    std::string infinitive;
    bool past;  // the stem is the past stem (else the present stem)
  };
  struct VerbParse {
    bool strong;        // a shape only a verb has (see AddVerbParses)
    std::string tense;
    WordAnalysis analysis;
  };
  void AddVerbParses(std::string_view word, std::vector<VerbParse>* out) const;

  absl::flat_hash_map<std::string, std::vector<Verb>> stems_;          // stem → verbs
  absl::flat_hash_map<std::string, std::string> present_stems_;        // infinitive → present
  absl::flat_hash_map<std::string, std::string> broken_plurals_;       // plural → singular
  absl::flat_hash_set<std::string> stopwords_;
  absl::flat_hash_set<std::string> not_plural_;
  Vocabulary vocabulary_;
  absl::flat_hash_map<std::string, int> verb_use_;
};

}  // namespace quotematch
