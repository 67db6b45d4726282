// File: normalize/internal/passes.h
//
// The three passes of Normalizer, each a monotone rewrite that records its
// offset map:
//   CharPass     original → characters: NFKC and the per-character display
//                rules (letters, invisibles, tatweel, optional diacritics)
//   SpacingPass  characters → display: whitespace, Persian ZWNJ and word
//                spacing, punctuation spacing and forms, digit sets;
//                protected spans (URLs, e-mail, mentions, hashtags, Latin
//                tokens) are copied untouched
//   KeyPass      display → key: the key column of the character rules,
//                case folding, whitespace collapse, English contractions
// Internal to normalize/; the public entry point is normalize/normalizer.h.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "normalize/char_rules.h"
#include "normalize/internal/plain_scan.h"
#include "normalize/offset_map.h"
#include "normalize/options.h"
#include "normalize/persian_rules.h"
#include "normalize/types.h"

namespace quotematch::internal {

// Per-code-point actions of the character pass (BMP), compiled from the
// rules and the options.
class CharTable {
 public:
  CharTable(const CharRules& rules, const NormalizerOptions& options, bool key);
  // 0: copy unchanged; otherwise 1 + index into replacements().
  uint16_t Action(char32_t c) const { return c < 0x10000 ? actions_[c] : 0; }
  const std::string& Replacement(uint16_t action) const { return replacements_[action - 1]; }
  // A code point below U+0800 (one or two UTF-8 bytes) that the pass copies
  // unchanged: no action and, for the display table, NFKC-stable alone with
  // a normalization boundary before it; for the key table, not whitespace.
  bool Plain(char32_t c) const { return plain_[c] != 0; }
  // True when no printable ASCII character or space has an action.
  bool PrintablePlain() const { return printable_plain_; }
  // Skips plain characters 16 bytes at a time: for the display table, those
  // of Plain(); for the key table, what KeyPass keeps as it is (ASCII
  // letters, whose case it folds in bulk, and a single space between two
  // characters included; the apostrophe excluded).
  const PlainScanner& scanner() const { return *scanner_; }
  // True when ZWNJ (U+200C) is plain too (the display table): the scan may
  // pass it.
  bool ZwnjPlain() const { return zwnj_plain_; }

 private:
  std::vector<uint8_t> plain_;
  bool printable_plain_ = false;
  std::vector<uint16_t> actions_;
  std::vector<std::string> replacements_;
  std::unique_ptr<PlainScanner> scanner_;
  bool zwnj_plain_ = false;
};

// Returns false (and the byte offset in *invalid_at) on invalid UTF-8.
bool CharPass(std::string_view in, const CharTable& table, bool nfkc, std::string* out,
              OffsetMapBuilder* map, size_t* invalid_at);

// `block_lexing` false lexes Persian one item at a time instead of from the
// 64-byte masks of ArabicBlock: the same output, for tests to compare.
void SpacingPass(std::string_view in, Language language, const NormalizerOptions& options,
                 const PersianWordRules& rules, std::string* out, OffsetMapBuilder* map, bool block_lexing = true);

void KeyPass(std::string_view display, const CharTable& key_table, std::string* out,
             OffsetMapBuilder* map);

// Kinds of protected spans, found by FindProtected.
enum class ProtectedKind { kUrl, kEmail, kMention, kHashtag, kLatin };
struct ProtectedSpan {
  Span span;
  ProtectedKind kind;
};
// Latin tokens (with digits and inner . _ - / : @ etc.), URLs, e-mail
// addresses, @mentions and #hashtags of `text`, in order.
std::vector<ProtectedSpan> FindProtected(std::string_view text);

// Letter classes used by the passes.
// Unicode White_Space, without calling ICU.
inline bool IsSpaceCp(char32_t c) {
  if (c < 0x80) return c == ' ' || (c >= 0x09 && c <= 0x0D);
  return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
         c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}
bool IsArabicLetter(char32_t c);
bool JoinsNext(char32_t c);  // an Arabic-script letter that connects to the following one

// Character classes of the spacing pass as bit flags, from a table for code
// points below U+0800 (ASCII, Latin, Arabic) and computed above it.
enum CharClass : uint8_t {
  kClassArabicLetter = 1,
  kClassMark = 2,
  kClassSpace = 4,
  kClassDigit = 8,        // a decimal digit of any script
  kClassPunct = 16,       // punctuation or symbol
};
uint8_t ComputeClass(char32_t c);
const uint8_t* SmallClassTable();  // 0x800 entries
inline uint8_t ClassOf(char32_t c) {
  static const uint8_t* table = SmallClassTable();
  return c < 0x800 ? table[c] : ComputeClass(c);
}

}  // namespace quotematch::internal
