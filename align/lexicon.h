// File: align/lexicon.h
//
// The bilingual lexicon compiled for matching. Every entry's English side is
// a sequence of interned lower-case words (a lemma or phrase); its Persian
// side a sequence of *slots*, each a small set of match-key forms that
// satisfy it (a word; a verb's infinitive and stems). English phrases live in
// a word trie, so one left-to-right pass over a sentence finds the longest
// entry at every position.
//
//   std::vector<LexiconSource> sources = {{"politics.tsv", text}, ...};
//   ASSIGN_OR_RETURN(auto lex, Lexicon::Compile(sources, stemmer, {.generated = true}));
//   for (const LexiconMatch& m : lex->MatchEnglish(forms_per_token)) { ... }
//   std::string cache = lex->Serialize();                 // "QMLEX" + version
//   ASSIGN_OR_RETURN(auto again, Lexicon::Deserialize(cache));
//
// TSV format: docs/lexicon.md. Compile() rejects malformed lines, unknown
// parts of speech and domains, weights outside (0, 1], an English side with
// Arabic-script letters or a Persian side without them, a noun, verb,
// adjective or name whose Persian side is only function words (door ↔ در),
// and duplicates (the same English and Persian words and part of speech, in
// any file), naming file and line. Entries generated from ICU's locale data (align/cldr.h) are
// added after the files; one a file already has is skipped.
//
// Persian compound verbs: a light verb (کردن، شدن، ...) after other words is
// optional in matching, since it inflects and may be separated from its noun
// ("تأکید کردن" is satisfied by تأکید). A verb alone is matched by its stems.
//
// The compiled form is immutable and flat: one string pool, interned words,
// entries as offsets. Thread-safe for concurrent readers.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "align/morphology.h"

namespace quotematch {

class LexiconBuilder;

struct LexiconSource {
  std::string name;        // file name, for errors and statistics
  std::string_view text;   // TSV
};

enum class PartOfSpeech : uint8_t { kNoun, kVerb, kAdj, kAdv, kPrep, kPron, kNum, kName, kConj, kDet };
std::string_view PartOfSpeechName(PartOfSpeech pos);

struct LexiconOptions {
  bool generated = true;   // add the ICU/CLDR-generated entries
  // If set, a bad entry is recorded here ("file:line: message") and skipped,
  // and Compile() fails at the end if there was any; else it stops at the first.
  std::vector<std::string>* errors = nullptr;
};

// One Persian slot: the forms (word ids) that satisfy it.
struct LexiconSlot {
  uint32_t begin = 0;
  uint16_t size = 0;
  bool optional = false;   // a trailing light verb
};

struct LexiconEntry {
  uint32_t english = 0, english_size = 0;   // as written, in the string pool
  uint32_t persian = 0, persian_size = 0;
  uint32_t words = 0;                       // English word ids, in english_words_
  uint16_t word_count = 0;
  uint16_t slot_count = 0;
  uint32_t slots = 0;                       // in slots_
  uint32_t joined = 0;                      // word id of the Persian side written solid, or kNoWord
  float weight = 1.0f;
  PartOfSpeech pos = PartOfSpeech::kNoun;
  uint8_t domain = 0;                       // index into Lexicon::domains()
  uint16_t source = 0;                      // index into Lexicon::sources()
  uint32_t line = 0;                        // 0 for generated entries
};

// A run of tokens matched by entries with the same English side.
struct LexiconMatch {
  uint32_t begin = 0;      // first token
  uint32_t length = 0;     // tokens covered
  std::span<const uint32_t> entries;
};

struct LexiconStats {
  size_t entries = 0, english_lemmas = 0, persian_lemmas = 0, multiword = 0, compound_verbs = 0,
         names = 0, synonyms = 0, generated = 0;
  std::vector<std::pair<std::string, size_t>> by_source, by_domain, by_pos;
};

class Lexicon {
 public:
  static constexpr uint32_t kNoWord = 0xFFFFFFFFu;
  static constexpr uint32_t kCacheVersion = 1;

  static absl::StatusOr<std::unique_ptr<Lexicon>> Compile(const std::vector<LexiconSource>& sources,
                                                          const PersianStemmer& stemmer,
                                                          LexiconOptions options = {});
  // The binary cache: magic "QMLEX\0\0\0", version, then the flat arrays.
  std::string Serialize() const;
  static absl::StatusOr<std::unique_ptr<Lexicon>> Deserialize(std::string_view bytes);

  Lexicon(const Lexicon&) = delete;
  Lexicon& operator=(const Lexicon&) = delete;

  size_t size() const { return entries_.size(); }
  const LexiconEntry& entry(uint32_t id) const { return entries_[id]; }
  std::string_view english(const LexiconEntry& e) const { return Pool(e.english, e.english_size); }
  std::string_view persian(const LexiconEntry& e) const { return Pool(e.persian, e.persian_size); }
  std::span<const uint32_t> english_words(const LexiconEntry& e) const {
    return {english_words_.data() + e.words, e.word_count};
  }
  std::span<const LexiconSlot> slots(const LexiconEntry& e) const { return {slots_.data() + e.slots, e.slot_count}; }
  std::span<const uint32_t> forms(const LexiconSlot& s) const { return {slot_forms_.data() + s.begin, s.size}; }
  std::string_view word(uint32_t id) const { return Pool(words_[id].first, words_[id].second); }
  uint32_t FindWord(std::string_view w) const;
  size_t word_count() const { return words_.size(); }   // word ids are below this
  const std::vector<std::string>& sources() const { return sources_; }
  const std::vector<std::string>& domains() const { return domains_; }

  // Entries whose English side is exactly these words (lower-case lemmas).
  std::span<const uint32_t> EnglishEntries(std::span<const std::string> words) const;
  // Entry ids whose English side starts with `word`.
  std::span<const uint32_t> EntriesStartingWith(std::string_view word) const;
  // Entries with `form` (Persian key form) in their first slot, or as their
  // Persian side written solid.
  std::span<const uint32_t> PersianEntries(std::string_view form) const;
  // One left-to-right pass: at each token, the longest English side whose
  // words are among the tokens' candidate forms; tokens not covered are
  // skipped. `forms[i]` are token i's candidates (e.g. lemmas), best first.
  std::vector<LexiconMatch> MatchEnglish(const std::vector<std::vector<std::string>>& forms) const;

  // The lemmatizers' vocabularies: the words of one-word sides (phrases hold
  // inflected words: نیروهای مسلح, armed forces), with their parts of speech.
  Vocabulary EnglishVocabulary() const;
  Vocabulary PersianVocabulary() const;
  // Entries whose Persian side ends in each verb (infinitive → count).
  absl::flat_hash_map<std::string, int> PersianVerbUse() const;

  LexiconStats Stats() const;
  size_t MemoryBytes() const;   // heap owned by the compiled form

 private:
  friend class LexiconBuilder;
  Lexicon() = default;
  std::string_view Pool(uint32_t at, uint32_t n) const { return std::string_view(pool_).substr(at, n); }
  void BuildIndexes();

  // Stored (and cached) arrays.
  std::string pool_;
  std::vector<std::pair<uint32_t, uint32_t>> words_;   // (offset, size) in pool_
  std::vector<LexiconEntry> entries_;
  std::vector<uint32_t> english_words_;
  std::vector<LexiconSlot> slots_;
  std::vector<uint32_t> slot_forms_;
  std::vector<std::string> sources_, domains_;

  // Rebuilt on load. Trie nodes: 0 is the root; edges (node, word) → node;
  // node_entries_[node] the entries ending there (CSR into entry_ids_).
  absl::flat_hash_map<absl::string_view, uint32_t> word_ids_;
  absl::flat_hash_map<uint64_t, uint32_t> edges_;
  std::vector<std::pair<uint32_t, uint32_t>> node_entries_;
  std::vector<uint32_t> entry_ids_;
  absl::flat_hash_map<uint32_t, std::pair<uint32_t, uint32_t>> by_first_word_;   // → CSR range
  absl::flat_hash_map<uint32_t, std::pair<uint32_t, uint32_t>> by_persian_form_;
  std::vector<uint32_t> first_word_ids_, persian_ids_;
};

}  // namespace quotematch
