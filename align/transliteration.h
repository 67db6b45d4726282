// File: align/transliteration.h
//
// Name skeletons: a Persian word and the English spelling of the same name
// reduce to the same consonant string (رستمی → rstm, Rostami → rstm), so
// names match across scripts without vowel marks. Rules are data
// (data/translit/fa_latin.tsv).
//
//   ASSIGN_OR_RETURN(auto t, NameSkeletons::Load(tsv));
//   t->Persian("کریمی") == t->English("karimi")   // "krm"
//   SkeletonsMatch("krm", "krm")
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"

namespace quotematch {

class NameSkeletons {
 public:
  static absl::StatusOr<std::unique_ptr<NameSkeletons>> Load(std::string_view tsv);

  // Skeleton of a Persian match-key word. Letters without a rule (Latin
  // letters inside Persian text, digits) are kept as the English rules say.
  std::string Persian(std::string_view key) const;
  // Skeleton of a lower-case English word.
  std::string English(std::string_view key) const;

 private:
  NameSkeletons() = default;
  absl::flat_hash_map<char32_t, std::string> fa_;
  absl::flat_hash_map<std::string, std::string> en_;  // 1–2 letter keys
};

// True when two skeletons are the same name: equal and at least 2 long, or
// at most one edit apart when both are at least 4 long.
bool SkeletonsMatch(std::string_view a, std::string_view b);

}  // namespace quotematch
