// File: normalize/types.h
//
// The result of normalization: display form, match key, their offset maps
// back to the original text, tokens, numeric values and dates.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "normalize/offset_map.h"
#include "normalize/span.h"

namespace quotematch {

enum class TokenKind {
  kWord = 1,
  kNumber = 2,        // digits (any digit set) with separators
  kPunctuation = 3,
  kUrl = 4,
  kEmail = 5,
  kMention = 6,       // @name
  kHashtag = 7,       // #tag
  kSymbol = 8,        // emoji and other symbols
};

enum class Script { kOther = 0, kLatin = 1, kArabic = 2 };

struct Token {
  std::string key;        // match-key form
  Span original;          // bytes of the original text
  Span display;           // bytes of NormalizedText::display
  Span key_span;          // bytes of NormalizedText::key
  TokenKind kind = TokenKind::kWord;
  Script script = Script::kOther;
  double number = 0;      // value of a kNumber token
  bool capitalized = false;  // the original starts with an upper-case letter
};

// A number written with digits, words or both ("2.5 million", "بیست و پنج",
// "۲۴ هزار"), over tokens [first_token, first_token + token_count).
struct Quantity {
  Span original;
  Span display;
  uint32_t first_token = 0;
  uint32_t token_count = 0;
  double value = 0;
  bool ordinal = false;   // پنجم، سومین، fifth
};

// A calendar date ("۱۹ بهمن ۱۴۰۲", "February 8, 2024"), always also given in
// the Gregorian calendar when the year is known.
struct CalendarDate {
  Span original;
  Span display;
  int year = 0;           // Gregorian; 0 when the text gives no year
  int month = 0;          // Gregorian 1–12 (0 when unknown)
  int day = 0;            // Gregorian 1–31 (0 when unknown)
  bool solar_hijri = false;  // written in the Persian (Solar Hijri) calendar
  int written_year = 0, written_month = 0, written_day = 0;  // as written
};

struct NormalizedText {
  Language language = Language::kUnspecified;
  std::string display;
  std::string key;
  OffsetMap display_map;     // display → original
  OffsetMap key_map;         // key → original
  std::vector<Token> tokens;
  std::vector<Quantity> quantities;
  std::vector<CalendarDate> dates;

  Span DisplayToOriginal(Span display_span) const { return display_map.ToInput(display_span); }
  Span KeyToOriginal(Span key_span) const { return key_map.ToInput(key_span); }
  Span OriginalToDisplay(Span original) const { return display_map.ToOutput(original); }
};

}  // namespace quotematch
