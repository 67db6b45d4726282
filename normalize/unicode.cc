#include "normalize/unicode.h"

#include <memory>
#include <mutex>

#include <unicode/brkiter.h>
#include <unicode/calendar.h>
#include <unicode/dtfmtsym.h>
#include <unicode/gregocal.h>
#include <unicode/ubrk.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utext.h>

namespace quotematch::unicode {
namespace {

const icu::Normalizer2* Nfkc() {
  static const icu::Normalizer2* nfkc = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFKCInstance(status);
    return U_SUCCESS(status) ? n : nullptr;
  }();
  return nfkc;
}

// Prototype break iterators, created once; each call clones one (cloning is
// far cheaper than creating from the rules).
const icu::BreakIterator* SentencePrototype(Language language) {
  static const icu::BreakIterator* en = [] {
    UErrorCode status = U_ZERO_ERROR;
    auto* bi = icu::BreakIterator::createSentenceInstance(
        icu::Locale("en@ss=standard"), status);
    return U_SUCCESS(status) ? bi : nullptr;
  }();
  static const icu::BreakIterator* fa = [] {
    UErrorCode status = U_ZERO_ERROR;
    auto* bi = icu::BreakIterator::createSentenceInstance(icu::Locale("fa"), status);
    return U_SUCCESS(status) ? bi : nullptr;
  }();
  return language == Language::kPersian ? fa : en;
}

}  // namespace

bool NfkcBoundaryBefore(char32_t c) {
  if (c < 0x80) return true;
  const auto* n = Nfkc();
  return n == nullptr || n->hasBoundaryBefore(static_cast<UChar32>(c));
}

bool NfkcIsIdentity(char32_t c) {
  if (c < 0x80) return true;
  const auto* n = Nfkc();
  if (n == nullptr) return true;
  return n->isInert(static_cast<UChar32>(c));
}

void NfkcAppendUtf8(std::string_view segment, std::string* out) {
  const auto* n = Nfkc();
  if (n == nullptr) {
    out->append(segment);
    return;
  }
  icu::UnicodeString src = icu::UnicodeString::fromUTF8(
      icu::StringPiece(segment.data(), static_cast<int32_t>(segment.size())));
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString dst = n->normalize(src, status);
  if (U_FAILURE(status)) {
    out->append(segment);
    return;
  }
  dst.toUTF8String(*out);
}

char32_t FoldCase(char32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  return static_cast<char32_t>(u_foldCase(static_cast<UChar32>(c), U_FOLD_CASE_DEFAULT));
}

bool IsLetter(char32_t c) {
  if (c < 0x80) return (c | 32) >= 'a' && (c | 32) <= 'z';
  return u_isalpha(static_cast<UChar32>(c));
}

bool IsMark(char32_t c) {
  if (c < 0x300) return false;
  return (U_GET_GC_MASK(static_cast<UChar32>(c)) & U_GC_M_MASK) != 0;
}

bool IsUpper(char32_t c) {
  if (c < 0x80) return c >= 'A' && c <= 'Z';
  return u_isupper(static_cast<UChar32>(c));
}

bool IsWhitespace(char32_t c) {
  if (c < 0x80) return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
  return u_isUWhiteSpace(static_cast<UChar32>(c));
}

bool IsPunctuation(char32_t c) {
  if (c < 0x80) return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) ||
                       (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E);
  return u_ispunct(static_cast<UChar32>(c)) ||
         (U_GET_GC_MASK(static_cast<UChar32>(c)) & (U_GC_S_MASK)) != 0;
}

bool IsSymbol(char32_t c) {
  if (c < 0x80) return c == '$' || c == '+' || c == '<' || c == '=' || c == '>' || c == '^' || c == '`' ||
                       c == '|' || c == '~';
  return (U_GET_GC_MASK(static_cast<UChar32>(c)) & U_GC_S_MASK) != 0;
}

int DigitValue(char32_t c) {
  if (c >= '0' && c <= '9') return static_cast<int>(c - '0');
  if (c < 0x80) return -1;
  return u_charDigitValue(static_cast<UChar32>(c));
}

bool IsArabicScript(char32_t c) {
  return (c >= 0x0600 && c <= 0x06FF) || (c >= 0x0750 && c <= 0x077F) ||
         (c >= 0x08A0 && c <= 0x08FF) || (c >= 0xFB50 && c <= 0xFDFF) ||
         (c >= 0xFE70 && c <= 0xFEFF);
}

const uint8_t* NfkcFlagsBmp() {
  static const uint8_t* flags = [] {
    auto* f = new uint8_t[0x10000];
    const icu::Normalizer2* n = Nfkc();
    for (uint32_t c = 0; c < 0x10000; ++c) {
      uint8_t v = 0;
      if (c >= 0xD800 && c <= 0xDFFF) {
        f[c] = kNfkcBoundaryBefore | kNfkcIdentity;
        continue;
      }
      if (n == nullptr || n->hasBoundaryBefore(static_cast<UChar32>(c))) v |= kNfkcBoundaryBefore;
      if (n == nullptr) {
        v |= kNfkcIdentity;
      } else {
        icu::UnicodeString d;
        // No decomposition mapping and NFKC-stable as a single character.
        UErrorCode status = U_ZERO_ERROR;
        icu::UnicodeString src(static_cast<UChar32>(c));
        if (n->isNormalized(src, status) && U_SUCCESS(status)) v |= kNfkcIdentity;
      }
      f[c] = v;
    }
    return f;
  }();
  return flags;
}

namespace {
const icu::BreakIterator* WordPrototype() {
  static const icu::BreakIterator* bi = [] {
    UErrorCode status = U_ZERO_ERROR;
    auto* b = icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status);
    return U_SUCCESS(status) ? b : nullptr;
  }();
  return bi;
}
}  // namespace

void WordBreaks(std::string_view text, std::vector<uint32_t>* bounds, std::vector<bool>* is_word) {
  bounds->clear();
  is_word->clear();
  bounds->push_back(0);
  const icu::BreakIterator* proto = WordPrototype();
  if (proto == nullptr || text.empty()) {
    if (!text.empty()) {
      bounds->push_back(static_cast<uint32_t>(text.size()));
      is_word->push_back(true);
    }
    return;
  }
  thread_local std::unique_ptr<icu::BreakIterator> bi;
  if (!bi) bi.reset(proto->clone());
  UErrorCode status = U_ZERO_ERROR;
  UText* ut = utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &status);
  if (U_FAILURE(status)) return;
  bi->setText(ut, status);
  if (U_SUCCESS(status)) {
    for (int32_t b = bi->next(); b != icu::BreakIterator::DONE; b = bi->next()) {
      bounds->push_back(static_cast<uint32_t>(b));
      is_word->push_back(bi->getRuleStatus() >= UBRK_WORD_NUMBER);
    }
  }
  utext_close(ut);
}

std::vector<std::string> MonthNames(const char* locale, const char* calendar, bool abbreviated) {
  std::vector<std::string> out;
  UErrorCode status = U_ZERO_ERROR;
  icu::DateFormatSymbols symbols(icu::Locale(locale), calendar, status);
  if (U_FAILURE(status)) return out;
  int32_t count = 0;
  const icu::UnicodeString* months = symbols.getMonths(
      count, icu::DateFormatSymbols::STANDALONE,
      abbreviated ? icu::DateFormatSymbols::ABBREVIATED : icu::DateFormatSymbols::WIDE);
  for (int32_t i = 0; i < count && i < 12; ++i) {
    std::string m;
    months[i].toUTF8String(m);
    out.push_back(std::move(m));
  }
  return out;
}

bool PersianToGregorian(int year, int month, int day, int* g_year, int* g_month, int* g_day) {
  if (month < 1 || month > 12 || day < 1 || day > 31 || (month > 6 && day > 30)) return false;
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Calendar> persian(
      icu::Calendar::createInstance(icu::Locale("fa_IR@calendar=persian"), status));
  if (U_FAILURE(status)) return false;
  persian->clear();
  persian->setLenient(false);
  persian->set(year, month - 1, day);
  UDate when = persian->getTime(status);
  if (U_FAILURE(status)) return false;
  icu::GregorianCalendar gregorian(status);
  if (U_FAILURE(status)) return false;
  gregorian.setTime(when, status);
  *g_year = gregorian.get(UCAL_YEAR, status);
  if (gregorian.get(UCAL_ERA, status) == icu::GregorianCalendar::BC) *g_year = 1 - *g_year;
  *g_month = gregorian.get(UCAL_MONTH, status) + 1;
  *g_day = gregorian.get(UCAL_DATE, status);
  return U_SUCCESS(status);
}

std::vector<uint32_t> SentenceEnds(std::string_view text, Language language) {
  std::vector<uint32_t> ends;
  const icu::BreakIterator* proto = SentencePrototype(language);
  if (proto == nullptr || text.empty()) {
    ends.push_back(static_cast<uint32_t>(text.size()));
    return ends;
  }
  std::unique_ptr<icu::BreakIterator> bi(proto->clone());
  UErrorCode status = U_ZERO_ERROR;
  UText* ut = utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &status);
  if (U_FAILURE(status)) {
    ends.push_back(static_cast<uint32_t>(text.size()));
    return ends;
  }
  bi->setText(ut, status);
  if (U_SUCCESS(status)) {
    for (int32_t b = bi->next(); b != icu::BreakIterator::DONE; b = bi->next()) {
      ends.push_back(static_cast<uint32_t>(b));
    }
  }
  utext_close(ut);
  if (ends.empty() || ends.back() != text.size()) ends.push_back(static_cast<uint32_t>(text.size()));
  return ends;
}

}  // namespace quotematch::unicode
