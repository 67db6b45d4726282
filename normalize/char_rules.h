// File: normalize/char_rules.h
//
// The per-character rules of data/normalize/chars.tsv, compiled once into an
// immutable lookup table (a direct index over the Basic Multilingual Plane).
//
//   ASSIGN_OR_RETURN(auto rules, CharRules::Load(tsv_text, "chars.tsv"));
//   const CharRule* r = rules->Find(U'ي');   // nullptr: no rule
//
// Format: see the header of data/normalize/chars.tsv. Load() rejects
// malformed lines, unknown code points, surrogates and duplicate sources with
// an InvalidArgument status naming the file and line.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace quotematch {

struct CharRule {
  std::string display;  // UTF-8; empty = removed
  std::string key;      // UTF-8; empty = removed
};

class CharRules {
 public:
  static absl::StatusOr<std::unique_ptr<CharRules>> Load(std::string_view tsv,
                                                         std::string_view file_name);
  // The rules compiled from the embedded data/normalize/chars.tsv.
  static const CharRules& Default();

  CharRules(const CharRules&) = delete;
  CharRules& operator=(const CharRules&) = delete;

  const CharRule* Find(char32_t c) const {
    if (c >= 0x10000) return nullptr;
    uint16_t i = index_[c];
    return i == 0 ? nullptr : &rules_[i - 1];
  }
  size_t size() const { return rules_.size(); }

 private:
  CharRules() : index_(0x10000, 0) {}
  std::vector<uint16_t> index_;  // code point → 1 + rule index, 0 = none
  std::vector<CharRule> rules_;
};

}  // namespace quotematch
