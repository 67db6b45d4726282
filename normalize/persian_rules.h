// File: normalize/persian_rules.h
//
// The word lists behind Persian word spacing, compiled once from data:
//   verb forms    data/lexicon/fa_verbs.tsv: every present/past stem with its
//                 personal endings, so that می/نمی join only real verbs
//                 (می‌روم) and never ماه می or میز;
//   joins         data/normalize/fa_joins.tsv: words written apart that
//                 standard spelling writes as one;
//   bound parts   data/normalize/fa_bound_suffixes.txt: second elements of
//                 compounds (گذار، کننده، آلود);
//   not plurals   data/normalize/fa_not_plural.txt: words ending in ها that
//                 are not plurals (تنها).
//
//   const PersianWordRules& r = PersianWordRules::Default();
//   r.IsVerbAfterMi("روم");   // true
//
// Immutable and thread-safe after Load().
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

struct PersianWordData {
  std::string_view verbs;            // data/lexicon/fa_verbs.tsv
  std::string_view joins;            // data/normalize/fa_joins.tsv
  std::string_view bound_suffixes;   // data/normalize/fa_bound_suffixes.txt
  std::string_view not_plural;       // data/normalize/fa_not_plural.txt
  std::string_view not_verbs;        // data/normalize/fa_not_verbs.txt
};

class PersianWordRules {
 public:
  static absl::StatusOr<std::unique_ptr<PersianWordRules>> Load(const PersianWordData& data);
  static const PersianWordRules& Default();

  // True when `rest` (what follows می/نمی) is a verb stem with a personal
  // ending: روم، رفتم، گوید، خونم (colloquial).
  bool IsVerbAfterMi(std::string_view rest) const;
  // True for a word written with می attached that is not a verb (میلاد).
  bool IsNotVerb(std::string_view word) const;
  // True for بر، در، باز، فرا، فرو، وا، ور followed by a simple verb that
  // exists with that preverb (بر + گشتن → برگشتن).
  bool IsPreverbOf(std::string_view preverb, std::string_view verb_rest) const;
  bool IsBoundSuffix(std::string_view word) const;
  // True for the past stem of a known verb (گشت، رفت).
  bool IsPastStem(std::string_view word) const;
  bool IsNotPlural(std::string_view word) const;
  // The standard spelling of `words` joined by single spaces (2 or 3 words),
  // or nullptr.
  const std::string* Join(std::string_view spaced) const;
  // True when some join starts with `word`.
  bool IsJoinStart(std::string_view word) const { return join_starts_.contains(AsAbsl(word)); }

  // Roles a word can play in word spacing, as bit flags: one hash lookup
  // tells the spacing pass whether a word pair needs a closer look.
  enum Role : uint8_t {
    kMi = 1,            // می، نمی
    kPreverb = 2,       // بر، در، باز، ...
    kBi = 4,            // بی
    kJoinStart = 8,     // first word of a join
    kPluralWord = 16,   // ها، های، ... written apart
    kTar = 32,          // تر، ترین
    kClitic = 64,       // ام، اند، مان، ... after silent heh
    kBound = 128,       // bound second element of a compound
  };
  uint8_t Roles(std::string_view word) const {
    // Most words play no role: a (length, last byte) bitmap answers without
    // hashing.
    if (word.size() < 2) return 0;
    const uint16_t key = FilterKey(word);
    if (!((role_filter_[key >> 6] >> (key & 63)) & 1)) return 0;
    auto it = roles_.find(AsAbsl(word));
    return it == roles_.end() ? 0 : it->second;
  }

  size_t verb_count() const { return verb_count_; }
  size_t verb_form_count() const { return verb_forms_.size(); }

  struct Verb {
    std::string infinitive, past, present;
    std::vector<std::string> colloquial;
  };
  const std::vector<Verb>& verbs() const { return verbs_; }

 private:
  PersianWordRules() = default;
  std::vector<Verb> verbs_;
  size_t verb_count_ = 0;
  absl::flat_hash_set<std::string> verb_forms_;
  // preverb → set of verb forms (after می) of verbs that take it
  absl::flat_hash_map<std::string, absl::flat_hash_set<std::string>> preverb_forms_;
  absl::flat_hash_set<std::string> bound_;
  absl::flat_hash_set<std::string> past_stems_;
  absl::flat_hash_set<std::string> not_plural_;
  absl::flat_hash_set<std::string> not_verbs_;
  absl::flat_hash_map<std::string, std::string> joins_;
  absl::flat_hash_set<std::string> join_starts_;
  absl::flat_hash_map<std::string, uint8_t> roles_;
  // Length and last two bytes, folded into 16 bits.
  static uint16_t FilterKey(std::string_view w) {
    return static_cast<uint16_t>((w.size() * 0x9E37u) ^ (static_cast<unsigned char>(w[w.size() - 1]) << 8) ^
                                 static_cast<unsigned char>(w[w.size() - 2]) ^ (static_cast<unsigned char>(w[0]) << 4));
  }
  std::vector<uint64_t> role_filter_ = std::vector<uint64_t>((1 << 16) / 64, 0);  // 8 KiB: stays in L1
};

}  // namespace quotematch
