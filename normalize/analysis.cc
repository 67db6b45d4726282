#include "normalize/analysis.h"

#include <cmath>
#include <cstdlib>

#include "base/status_macros.h"
#include "base/strings.h"
#include "base/tsv.h"
#include "base/utf8.h"
#include "normalize/internal/passes.h"
#include "normalize/unicode.h"
#include "qm_data.h"

namespace quotematch {
namespace {

// Match-key form of a data word: lower case, no ZWNJ, Persian letters.
std::string DataKey(std::string_view word) {
  std::string out;
  for (size_t i = 0; i < word.size();) {
    char32_t c = DecodeUtf8(word, &i);
    if (c == 0x200C) continue;
    if (c == 0x064A || c == 0x0649) c = 0x06CC;
    if (c == 0x0643) c = 0x06A9;
    if (c == 0x0654) continue;  // hamza above (ژانویهٔ)
    AppendUtf8(unicode::FoldCase(c), &out);
  }
  return out;
}

Script ScriptOf(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    char32_t c = DecodeUtf8(text, &i);
    if (unicode::IsArabicScript(c)) return Script::kArabic;
    if (c < 0x250 && unicode::IsLetter(c)) return Script::kLatin;
    if (unicode::IsLetter(c)) return Script::kOther;
  }
  return Script::kOther;
}

double ParseDigits(std::string_view key) {
  std::string s;
  for (char c : key) {
    if ((c >= '0' && c <= '9') || c == '.') s.push_back(c);
    else if (c != ',') break;
  }
  return std::strtod(s.c_str(), nullptr);
}

}  // namespace

absl::StatusOr<std::unique_ptr<TextAnalyzer>> TextAnalyzer::Load(std::string_view number_words,
                                                                 std::string_view month_variants) {
  std::unique_ptr<TextAnalyzer> a(new TextAnalyzer());
  RETURN_IF_ERROR(ForEachTsvRecord(number_words, "number_words.tsv", 4, 4, [&](const TsvRecord& r) {
    double value;
    if (!ParseDouble(r.fields[2], &value)) return r.Error("bad value");
    WordKind kind;
    if (r.fields[3] == "unit") kind = WordKind::kUnit;
    else if (r.fields[3] == "ten") kind = WordKind::kTen;
    else if (r.fields[3] == "hundred") kind = WordKind::kHundred;
    else if (r.fields[3] == "times100") kind = WordKind::kTimes100;
    else if (r.fields[3] == "scale") kind = WordKind::kScale;
    else if (r.fields[3] == "ordinal") kind = WordKind::kOrdinal;
    else return r.Error(StrCat("unknown kind '", r.fields[3], "'"));
    auto& map = r.fields[1] == "en" ? a->en_words_ : a->fa_words_;
    if (r.fields[1] != "en" && r.fields[1] != "fa") return r.Error("language must be en or fa");
    if (!map.emplace(DataKey(r.fields[0]), NumberWord{value, kind}).second) return r.Error("duplicate word");
    return absl::OkStatus();
  }));
  // Standard month names from ICU's CLDR data.
  auto add_months = [&](const char* locale, const char* calendar, absl::flat_hash_map<std::string, int>* out) {
    for (bool abbreviated : {false, true}) {
      std::vector<std::string> names = unicode::MonthNames(locale, calendar, abbreviated);
      for (size_t m = 0; m < names.size(); ++m) out->emplace(DataKey(names[m]), static_cast<int>(m + 1));
    }
  };
  add_months("fa", "persian", &a->persian_months_);
  add_months("fa", "gregorian", &a->gregorian_months_);
  add_months("en", "gregorian", &a->gregorian_months_);
  if (a->persian_months_.size() < 12 || a->gregorian_months_.size() < 24) {
    return absl::InternalError("ICU month names are missing (libicu data)");
  }
  RETURN_IF_ERROR(ForEachTsvRecord(month_variants, "month_variants.tsv", 3, 3, [&](const TsvRecord& r) {
    double month;
    if (!ParseDouble(r.fields[2], &month) || month < 1 || month > 12) return r.Error("month must be 1-12");
    auto& map = r.fields[1] == "persian" ? a->persian_months_ : a->gregorian_months_;
    if (r.fields[1] != "persian" && r.fields[1] != "gregorian") return r.Error("calendar must be persian or gregorian");
    map.emplace(DataKey(r.fields[0]), static_cast<int>(month));
    return absl::OkStatus();
  }));
  return a;
}

const TextAnalyzer& TextAnalyzer::Default() {
  static const TextAnalyzer* analyzer = [] {
    auto loaded = Load(data::kNumberWords, data::kMonthVariants);
    if (!loaded.ok()) std::abort();  // embedded data is pinned by tests
    return loaded->release();
  }();
  return *analyzer;
}

void TextAnalyzer::Analyze(NormalizedText* t, const OffsetMap& key_to_display) const {
  t->tokens.clear();
  t->quantities.clear();
  t->dates.clear();
  Tokenize(t, key_to_display);
  FindQuantities(t);
  FindDates(t);
}

void TextAnalyzer::Tokenize(NormalizedText* t, const OffsetMap& key_to_display) const {
  const std::string& d = t->display;
  std::vector<internal::ProtectedSpan> prot = internal::FindProtected(d);
  std::vector<uint32_t> bounds;
  std::vector<bool> is_word;
  unicode::WordBreaks(d, &bounds, &is_word);
  std::string original_first;
  auto emit = [&](uint32_t b, uint32_t e, TokenKind kind) {
    Token tok;
    tok.display = {b, e};
    tok.kind = kind;
    Span ks = key_to_display.ToOutput({b, e});
    while (ks.begin < ks.end && t->key[ks.begin] == ' ') ++ks.begin;
    while (ks.end > ks.begin && t->key[ks.end - 1] == ' ') --ks.end;
    if (ks.empty()) return;
    tok.key_span = ks;
    tok.key = t->key.substr(ks.begin, ks.size());
    tok.original = t->display_map.ToInput({b, e});
    tok.script = ScriptOf(std::string_view(d).substr(b, e - b));
    size_t p = b;
    tok.capitalized = unicode::IsUpper(DecodeUtf8(d, &p));
    if (kind == TokenKind::kNumber) tok.number = ParseDigits(tok.key);
    t->tokens.push_back(std::move(tok));
  };
  size_t p = 0;
  for (size_t i = 0; i + 1 < bounds.size(); ++i) {
    uint32_t b = bounds[i], e = bounds[i + 1];
    while (p < prot.size() && prot[p].span.end <= b) ++p;
    if (p < prot.size() && prot[p].kind != internal::ProtectedKind::kLatin && prot[p].span.begin <= b &&
        b < prot[p].span.end) {
      if (b == prot[p].span.begin) {
        TokenKind kind = prot[p].kind == internal::ProtectedKind::kUrl       ? TokenKind::kUrl
                         : prot[p].kind == internal::ProtectedKind::kEmail   ? TokenKind::kEmail
                         : prot[p].kind == internal::ProtectedKind::kMention ? TokenKind::kMention
                                                                             : TokenKind::kHashtag;
        emit(prot[p].span.begin, prot[p].span.end, kind);
      }
      continue;
    }
    size_t q = b;
    char32_t first = DecodeUtf8(d, &q);
    if (is_word[i]) {
      emit(b, e, unicode::DigitValue(first) >= 0 ? TokenKind::kNumber : TokenKind::kWord);
    } else if (!unicode::IsWhitespace(first) && first != 0x200C) {
      emit(b, e, unicode::IsSymbol(first) || !unicode::IsPunctuation(first) ? TokenKind::kSymbol
                                                                            : TokenKind::kPunctuation);
    }
  }
}

const TextAnalyzer::NumberWord* TextAnalyzer::FindNumberWord(std::string_view key, Language language,
                                                             bool* ordinal) const {
  const auto& map = language == Language::kPersian ? fa_words_ : en_words_;
  auto it = map.find(AsAbsl(key));
  if (it != map.end()) {
    if (ordinal) *ordinal = it->second.kind == WordKind::kOrdinal;
    return &it->second;
  }
  if (language == Language::kPersian) {
    // Regular ordinals: cardinal + م / مین (پنجم، دهمین، بیستم، هزارم).
    for (std::string_view suffix : {"مین", "م", "ام", "امین"}) {
      if (!EndsWith(key, suffix) || key.size() <= suffix.size() + 2) continue;
      std::string_view base = key.substr(0, key.size() - suffix.size());
      if (base == "سی") continue;  // سیم is "wire"; the ordinal is written سی‌ام
      auto b = map.find(AsAbsl(base));
      if (b != map.end() && b->second.kind != WordKind::kOrdinal) {
        if (ordinal) *ordinal = true;
        return &b->second;
      }
    }
  }
  return nullptr;
}

std::optional<double> TextAnalyzer::ParseNumber(const std::vector<std::string>& words,
                                                Language language, bool* ordinal) const {
  double total = 0, current = 0;
  bool any = false, is_ordinal = false, negative = false;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w == "و" || w == "and" || w == "-" || w == "a") continue;
    if (i == 0 && (w == "منفی" || w == "minus" || w == "negative")) {
      negative = true;
      continue;
    }
    if (!w.empty() && (w[0] >= '0' && w[0] <= '9')) {
      current += ParseDigits(w);
      any = true;
      continue;
    }
    bool ord = false;
    const NumberWord* nw = FindNumberWord(w, language, &ord);
    if (nw == nullptr) return std::nullopt;
    any = true;
    is_ordinal |= ord;
    switch (nw->kind) {
      case WordKind::kUnit: case WordKind::kTen: case WordKind::kHundred: case WordKind::kOrdinal:
        current += nw->value;
        break;
      case WordKind::kTimes100:
        current = (current == 0 ? 1 : current) * 100;
        break;
      case WordKind::kScale:
        total += (current == 0 ? 1 : current) * nw->value;
        current = 0;
        break;
    }
  }
  if (!any) return std::nullopt;
  if (ordinal) *ordinal = is_ordinal;
  double v = total + current;
  return negative ? -v : v;
}

void TextAnalyzer::FindQuantities(NormalizedText* t) const {
  const auto& toks = t->tokens;
  const Language lang = t->language;
  auto word_of = [&](size_t i, bool* ordinal) -> const NumberWord* {
    if (toks[i].kind != TokenKind::kWord) return nullptr;
    const NumberWord* w = FindNumberWord(toks[i].key, toks[i].script == Script::kArabic ? Language::kPersian
                                                                                           : Language::kEnglish,
                                         ordinal);
    (void)lang;
    return w;
  };
  auto is_connector = [&](size_t i) {
    const std::string& k = toks[i].key;
    return k == "و" || k == "and" || k == "-";
  };
  size_t i = 0;
  while (i < toks.size()) {
    bool ord = false;
    const NumberWord* w = word_of(i, &ord);
    const bool digits = toks[i].kind == TokenKind::kNumber;
    if (!digits && w == nullptr) {
      ++i;
      continue;
    }
    // Extend: number words and digits, joined by connectors; a unit never
    // directly follows a unit ("دو سه" is two numbers).
    size_t j = i + 1;
    WordKind last_kind = digits ? WordKind::kUnit : w->kind;
    bool last_digits = digits;
    while (j < toks.size()) {
      size_t k = j;
      if (is_connector(k) && k + 1 < toks.size()) ++k;
      bool o2 = false;
      const NumberWord* w2 = word_of(k, &o2);
      bool d2 = toks[k].kind == TokenKind::kNumber;
      if (!w2 && !d2) break;
      WordKind kind2 = d2 ? WordKind::kUnit : w2->kind;
      bool connected = k > j;
      // After digits only a scale word continues without a connector.
      if (last_digits && !connected && kind2 != WordKind::kScale) break;
      if (d2 && !connected && !last_digits && last_kind != WordKind::kScale) break;
      if (!connected && (last_kind == WordKind::kUnit || last_kind == WordKind::kOrdinal) &&
          (kind2 == WordKind::kUnit || kind2 == WordKind::kTen || kind2 == WordKind::kHundred)) {
        break;
      }
      if (last_kind == WordKind::kOrdinal) break;
      last_kind = kind2;
      last_digits = d2;
      j = k + 1;
    }
    // A lone ambiguous Persian word (نه "no", یک "a") is not a quantity.
    if (j == i + 1 && !digits && toks[i].script == Script::kArabic &&
        (toks[i].key == "نه" || toks[i].key == "صد")) {
      i = j;
      continue;
    }
    std::vector<std::string> words;
    size_t first = i;
    if (i > 0 && (toks[i - 1].key == "منفی" || toks[i - 1].key == "minus")) {
      first = i - 1;
    }
    for (size_t m = first; m < j; ++m) words.push_back(toks[m].key);
    bool ordinal = false;
    Language wl = toks[i].script == Script::kArabic ? Language::kPersian : Language::kEnglish;
    for (size_t m = i; m < j; ++m) {
      if (toks[m].script == Script::kArabic) wl = Language::kPersian;
    }
    std::optional<double> v = ParseNumber(words, wl, &ordinal);
    if (v) {
      Quantity q;
      q.first_token = static_cast<uint32_t>(first);
      q.token_count = static_cast<uint32_t>(j - first);
      q.value = *v;
      q.ordinal = ordinal;
      q.original = {toks[first].original.begin, toks[j - 1].original.end};
      q.display = {toks[first].display.begin, toks[j - 1].display.end};
      t->quantities.push_back(q);
    }
    i = j;
  }
}

void TextAnalyzer::FindDates(NormalizedText* t) const {
  const auto& toks = t->tokens;
  auto number_at = [&](size_t i, double lo, double hi) -> std::optional<int> {
    if (i >= toks.size() || toks[i].kind != TokenKind::kNumber) return std::nullopt;
    double v = toks[i].number;
    if (v < lo || v > hi || v != std::floor(v)) return std::nullopt;
    return static_cast<int>(v);
  };
  for (size_t i = 0; i < toks.size(); ++i) {
    if (toks[i].kind != TokenKind::kWord) continue;
    std::string_view key = toks[i].key;
    // بهمن‌ماه / بهمن ماه
    bool persian = false;
    int month = 0;
    std::string_view base = key;
    if (EndsWith(base, "ماه") && base.size() > 6) base.remove_suffix(6);
    if (auto it = persian_months_.find(AsAbsl(base)); it != persian_months_.end()) {
      persian = true;
      month = it->second;
    } else if (auto g = gregorian_months_.find(AsAbsl(key)); g != gregorian_months_.end()) {
      month = g->second;
    } else {
      continue;
    }
    size_t after = i + 1;
    if (after < toks.size() && toks[after].key == "ماه") ++after;
    if (after < toks.size() && toks[after].key == ".") ++after;  // Feb. 8
    std::optional<int> day;  // Persian and British order: 19 بهمن، 8 February
    if (i > 0) day = number_at(i - 1, 1, 31);
    size_t first = day ? i - 1 : i;
    size_t last = i;
    size_t year_at = after;
    if (!day) {
      // English order: February 8, 2024.
      if (auto d = number_at(after, 1, 31)) {
        day = d;
        last = after;
        year_at = after + 1;
        if (year_at < toks.size() && toks[year_at].key == ",") ++year_at;
      }
    }
    std::optional<int> year = number_at(year_at, persian ? 1200 : 1800, persian ? 1500 : 2200);
    if (year) last = year_at;
    if (!day && !year) continue;  // a month word alone (مهر، May) is not a date
    CalendarDate date;
    date.original = {toks[first].original.begin, toks[last].original.end};
    date.display = {toks[first].display.begin, toks[last].display.end};
    date.solar_hijri = persian;
    date.written_year = year.value_or(0);
    date.written_month = month;
    date.written_day = day.value_or(0);
    if (persian) {
      int gy, gm, gd;
      if (year && day && unicode::PersianToGregorian(*year, month, *day, &gy, &gm, &gd)) {
        date.year = gy;
        date.month = gm;
        date.day = gd;
      }
    } else {
      date.year = year.value_or(0);
      date.month = month;
      date.day = day.value_or(0);
    }
    t->dates.push_back(date);
    i = last;
  }
}

}  // namespace quotematch
