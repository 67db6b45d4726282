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

#include <cstdint>
#include <cstring>
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

namespace persian_rules_internal {
// Of a word of n ≤ 16 bytes, zero-padded to 16: which bytes of the first
// and of the second 8 are the word's.
constexpr uint64_t ByteMask(size_t bytes) { return bytes >= 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * bytes)) - 1; }
inline constexpr uint64_t kLowMask[17] = {ByteMask(0), ByteMask(1), ByteMask(2), ByteMask(3), ByteMask(4), ByteMask(5),
                                          ByteMask(6), ByteMask(7), ByteMask(8), ByteMask(8), ByteMask(8), ByteMask(8),
                                          ByteMask(8), ByteMask(8), ByteMask(8), ByteMask(8), ByteMask(8)};
inline constexpr uint64_t kHighMask[17] = {0,           0,           0,           0,           0,           0,
                                           0,           0,           0,           ByteMask(1), ByteMask(2), ByteMask(3),
                                           ByteMask(4), ByteMask(5), ByteMask(6), ByteMask(7), ByteMask(8)};
}  // namespace persian_rules_internal

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
  enum Role : uint16_t {
    kMi = 1,            // می، نمی
    kPreverb = 2,       // بر، در، باز، ...
    kBi = 4,            // بی
    kJoinStart = 8,     // first word of a join
    kPluralWord = 16,   // ها، های، ... written apart
    kTar = 32,          // تر، ترین
    kClitic = 64,       // ام، اند، مان، ... after silent heh
    kBound = 128,       // bound second element of a compound
    kJoinSecond = 256,  // second word of a join: a join start joins nothing else
  };
  // The roles of `word`. Words of up to 16 bytes — all of them, in our
  // data — are looked up in a small open-addressing table keyed by their
  // bytes, which costs a multiply and one or two loads; longer ones in a
  // hash map. With `readable_end`, the 16 bytes from word.data() may be
  // read when they lie before it (the word's text goes on): the lookup then
  // copies nothing.
  uint16_t Roles(std::string_view word, const char* readable_end = nullptr) const {
    if (word.size() > 16 || word.empty()) return word.size() > 16 ? LongRoles(word) : 0;
    uint64_t lo, hi;
    if (readable_end != nullptr && word.data() + 16 <= readable_end) {
      std::memcpy(&lo, word.data(), 8);
      std::memcpy(&hi, word.data() + 8, 8);
    } else {
      unsigned char buf[16] = {};
      std::memcpy(buf, word.data(), word.size());
      std::memcpy(&lo, buf, 8);
      std::memcpy(&hi, buf + 8, 8);
    }
    lo &= persian_rules_internal::kLowMask[word.size()];
    hi &= persian_rules_internal::kHighMask[word.size()];
    return PaddedRoles(lo, hi, word.size());
  }
  // The roles of the word of `len` bytes (1 to 16) whose bytes, zero-padded
  // to 16, are `lo` (the first 8) and `hi`.
  uint16_t PaddedRoles(uint64_t lo, uint64_t hi, size_t len) const {
    const uint64_t h = RoleHash(lo, hi, len);
    size_t i = h >> role_shift_;
    // Most words find their bucket empty: one bit, in 512 bytes that stay
    // in the L1 cache, tells.
    if (!((role_used_[i >> 6] >> (i & 63)) & 1)) return 0;
    const uint16_t tag = RoleTag(h);
    for (;; i = (i + 1) & (role_tags_.size() - 1)) {
      if (role_tags_[i] == 0) return 0;
      if (role_tags_[i] == tag) {
        const RoleSlot& slot = role_slots_[i];
        if (slot.lo == lo && slot.hi == hi && slot.len == len) return slot.roles;
      }
    }
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
  absl::flat_hash_map<std::string, uint16_t> roles_;
  // The table behind Roles(): one tag (never 0) and one slot per bucket,
  // at most a sixteenth full (most words find an empty bucket at once);
  // words of up to 16 bytes, zero-padded.
  struct RoleSlot {
    uint64_t lo = 0, hi = 0;
    uint16_t roles = 0;
    uint8_t len = 0;
  };
  std::vector<uint16_t> role_tags_;
  uint64_t role_used_[64] = {};  // bit i: bucket i is taken (4096 buckets at most)
  std::vector<RoleSlot> role_slots_;
  unsigned role_shift_ = 64;
  bool long_roles_ = false;  // some word with roles is longer than 16 bytes
  static uint64_t RoleHash(uint64_t lo, uint64_t hi, size_t len) {
    return (lo ^ (hi * 0x9E3779B97F4A7C15ull) ^ len) * 0xC2B2AE3D27D4EB4Full;
  }
  static uint16_t RoleTag(uint64_t h) { return static_cast<uint16_t>(h >> 20) | 1; }
  uint16_t LongRoles(std::string_view word) const;
};

}  // namespace quotematch
