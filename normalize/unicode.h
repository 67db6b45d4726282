// File: normalize/unicode.h
//
// The ICU facade: the only header through which the domain libraries reach
// ICU. It speaks code points and UTF-8 string_views; no ICU type leaks out.
//
//   if (!NfkcIsIdentity(c)) NfkcAppendUtf8(segment, &out);
//   std::vector<uint32_t> ends = SentenceEnds(display, Language::kPersian);
//
// All functions are thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "normalize/types.h"

namespace quotematch::unicode {

// True when NFKC normalization may start a new segment before `c` (nothing
// before `c` can combine with it).
bool NfkcBoundaryBefore(char32_t c);

// True when `c` alone is unchanged by NFKC.
bool NfkcIsIdentity(char32_t c);

// Appends NFKC(`segment`) to `out`. `segment` must be valid UTF-8.
void NfkcAppendUtf8(std::string_view segment, std::string* out);

// Simple (one-to-one) default case folding.
char32_t FoldCase(char32_t c);

bool IsLetter(char32_t c);
bool IsMark(char32_t c);
bool IsUpper(char32_t c);
bool IsWhitespace(char32_t c);
bool IsPunctuation(char32_t c);  // punctuation or symbol
bool IsSymbol(char32_t c);       // symbols only (math, currency, emoji)
// Decimal digit value 0–9 of `c` in any script, or -1.
int DigitValue(char32_t c);
// True for letters of the Arabic script blocks.
bool IsArabicScript(char32_t c);

// Per-code-point NFKC facts for the Basic Multilingual Plane, computed once
// from ICU: bit kNfkcBoundaryBefore and bit kNfkcIdentity (NFKC(c) == c).
enum : uint8_t { kNfkcBoundaryBefore = 1, kNfkcIdentity = 2 };
const uint8_t* NfkcFlagsBmp();  // 65536 entries

// Word-break boundaries of `text` (UTF-8 byte offsets, first 0, last
// text.size()) and, for each segment between them, whether ICU classed it as
// a word or number (true) or as space/punctuation (false).
void WordBreaks(std::string_view text, std::vector<uint32_t>* bounds, std::vector<bool>* is_word);

// The 12 stand-alone month names of `locale` in `calendar` ("persian",
// "gregorian") from ICU's CLDR data, wide or abbreviated, in calendar order.
std::vector<std::string> MonthNames(const char* locale, const char* calendar, bool abbreviated);

// Converts a Solar Hijri (Persian calendar) date to Gregorian with ICU's
// Persian calendar. Returns false for an invalid date.
bool PersianToGregorian(int year, int month, int day, int* g_year, int* g_month, int* g_day);

// Byte offsets (into `text`, UTF-8) where sentences end, by ICU's sentence
// break rules for the language ("en@ss=standard" suppresses breaks after
// common abbreviations such as "Mr."). The last element is text.size().
std::vector<uint32_t> SentenceEnds(std::string_view text, Language language);

}  // namespace quotematch::unicode
