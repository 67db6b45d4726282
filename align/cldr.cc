#include "align/cldr.h"

#include <unicode/dtfmtsym.h>
#include <unicode/locid.h>
#include <unicode/ucurr.h>
#include <unicode/uenum.h>
#include <unicode/unistr.h>

#include <string_view>

namespace quotematch {
namespace {

std::string Utf8(const icu::UnicodeString& u) {
  std::string s;
  u.toUTF8String(s);
  return s;
}

// A name ICU has in both languages (not just echoing the code back).
void AddPair(std::vector<GeneratedEntry>* out, std::string english, std::string persian,
             std::string_view code, PartOfSpeech pos) {
  if (english.empty() || persian.empty() || english == code || persian == code || english == persian) return;
  out->push_back({std::move(english), std::move(persian), pos});
}

// Display names, in English and Persian, of every code in a null-terminated
// ICU list (ISO countries, ISO languages).
template <typename Display>
GeneratedEntries DisplayNames(std::string kind, const char* const* codes, Display display) {
  GeneratedEntries g{std::move(kind), {}};
  const icu::Locale en("en"), fa("fa");
  for (const char* const* c = codes; *c != nullptr; ++c) {
    icu::UnicodeString e, f;
    display(*c, en, e);
    display(*c, fa, f);
    AddPair(&g.entries, Utf8(e), Utf8(f), *c, PartOfSpeech::kName);
  }
  return g;
}

GeneratedEntries Countries() {
  return DisplayNames("countries", icu::Locale::getISOCountries(),
                      [](const char* code, const icu::Locale& in, icu::UnicodeString& out) {
                        icu::Locale("", code).getDisplayCountry(in, out);
                      });
}

GeneratedEntries Languages() {
  return DisplayNames("languages", icu::Locale::getISOLanguages(),
                      [](const char* code, const icu::Locale& in, icu::UnicodeString& out) {
                        icu::Locale(code).getDisplayLanguage(in, out);
                      });
}

GeneratedEntries Currencies() {
  GeneratedEntries g{"currencies", {}};
  UErrorCode status = U_ZERO_ERROR;
  UEnumeration* codes = ucurr_openISOCurrencies(UCURR_COMMON | UCURR_NON_DEPRECATED, &status);
  if (U_FAILURE(status)) return g;
  while (const char* code = uenum_next(codes, nullptr, &status)) {
    if (U_FAILURE(status)) break;
    UChar ucode[4];
    u_charsToUChars(code, ucode, 4);
    auto name = [&](const char* locale) {
      UBool is_choice = false;
      int32_t len = 0;
      UErrorCode st = U_ZERO_ERROR;
      const UChar* n = ucurr_getName(ucode, locale, UCURR_LONG_NAME, &is_choice, &len, &st);
      return U_SUCCESS(st) && n != nullptr ? Utf8(icu::UnicodeString(n, len)) : std::string();
    };
    AddPair(&g.entries, name("en"), name("fa"), code, PartOfSpeech::kNoun);
  }
  uenum_close(codes);
  return g;
}

// Wide stand-alone month and weekday names of one calendar, paired by index.
void CalendarNames(const char* calendar, GeneratedEntries* months, GeneratedEntries* weekdays) {
  UErrorCode status = U_ZERO_ERROR;
  icu::DateFormatSymbols en(icu::Locale("en"), calendar, status), fa(icu::Locale("fa"), calendar, status);
  if (U_FAILURE(status)) return;
  int32_t ne = 0, nf = 0;
  const auto kind = icu::DateFormatSymbols::STANDALONE;
  const auto width = icu::DateFormatSymbols::WIDE;
  const icu::UnicodeString* me = en.getMonths(ne, kind, width);
  const icu::UnicodeString* mf = fa.getMonths(nf, kind, width);
  for (int32_t i = 0; i < ne && i < nf; ++i) AddPair(&months->entries, Utf8(me[i]), Utf8(mf[i]), "", PartOfSpeech::kName);
  if (weekdays == nullptr) return;
  const icu::UnicodeString* de = en.getWeekdays(ne, kind, width);
  const icu::UnicodeString* df = fa.getWeekdays(nf, kind, width);
  for (int32_t i = 1; i < ne && i < nf; ++i) AddPair(&weekdays->entries, Utf8(de[i]), Utf8(df[i]), "", PartOfSpeech::kName);
}

}  // namespace

const std::vector<GeneratedEntries>& CldrEntries() {
  static const std::vector<GeneratedEntries>* entries = [] {
    auto* out = new std::vector<GeneratedEntries>{Countries(), Languages(), Currencies()};
    GeneratedEntries months{"months", {}}, weekdays{"weekdays", {}};
    CalendarNames("gregorian", &months, &weekdays);
    CalendarNames("persian", &months, nullptr);
    CalendarNames("islamic", &months, nullptr);
    out->push_back(std::move(months));
    out->push_back(std::move(weekdays));
    return out;
  }();
  return *entries;
}

}  // namespace quotematch
