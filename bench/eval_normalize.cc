// quotematch-eval normalize --cases FILE.tsv [--verbose]
//
// Runs our normalizer on the test cases of other Persian normalizers (the
// peer case format of ../shared/data/normalize/README) and reports how often
// we agree. Each peer function ("option") is mapped to our operations by the
// table kPeerOps below; a peer function with no counterpart among our
// operations (maskers, stop-word removal, number spelling, ...) is
// "unsupported" and listed apart. A disagreement whose expected output
// follows a convention we chose differently (docs/normalization.md) is
// "convention" and listed with the convention's name; everything else is a
// disagreement and counts against us.
//
// Output: agreement per peer and per feature tag, the convention and
// unsupported lists, then `agreement: 0.xxxx (n=N)` where N counts the cases
// whose convention is ours (agree + disagree).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "base/strings.h"
#include "base/utf8.h"
#include "bench/eval.h"
#include "normalize/analysis.h"
#include "normalize/normalizer.h"

namespace quotematch::eval {
namespace {

struct Case {
  std::string peer, option, check, input, expected, features, note, line;
};

// Unescapes the peer file's \n, \t, \\ sequences.
std::string Unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      char n = s[i + 1];
      if (n == 'n') { out.push_back('\n'); ++i; continue; }
      if (n == 't') { out.push_back('\t'); ++i; continue; }
      if (n == '\\') { out.push_back('\\'); ++i; continue; }
    }
    out.push_back(s[i]);
  }
  return out;
}

bool ReadCases(const std::string& path, std::vector<Case>* cases, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = "cannot read " + path;
    return false;
  }
  std::string line;
  std::vector<std::string> header;
  if (!std::getline(in, line)) {
    *error = "empty file";
    return false;
  }
  for (std::string_view h : Split(line, '\t')) header.emplace_back(h);
  auto col = [&](const char* name) {
    for (size_t i = 0; i < header.size(); ++i) if (header[i] == name) return static_cast<int>(i);
    return -1;
  };
  int c_peer = col("peer"), c_option = col("option"), c_check = col("check"), c_input = col("input"),
      c_expected = col("expected"), c_features = col("features"), c_note = col("note"), c_line = col("line");
  if (c_peer < 0 || c_option < 0 || c_input < 0 || c_expected < 0) {
    *error = "missing columns (need peer, option, input, expected)";
    return false;
  }
  while (std::getline(in, line)) {
    std::vector<std::string_view> f = Split(line, '\t');
    auto get = [&](int c) { return c >= 0 && c < static_cast<int>(f.size()) ? std::string(f[c]) : std::string(); };
    Case k{get(c_peer), get(c_option), get(c_check), Unescape(get(c_input)), Unescape(get(c_expected)),
           get(c_features), get(c_note), get(c_line)};
    if (k.check.empty()) k.check = "equals";
    cases->push_back(std::move(k));
  }
  return true;
}

// ---- Our operations -------------------------------------------------------

using Op = std::function<std::optional<std::string>(const std::string&)>;

// The display form with the given operations switched on (everything else
// off), of a Persian text.
Op Display(std::function<void(NormalizerOptions*)> configure) {
  NormalizerOptions o;
  o.nfkc = o.letters = o.remove_diacritics = false;
  o.persian_digits = NormalizerOptions::DigitStyle::kKeep;
  o.spacing = o.zwnj = o.punctuation_spacing = o.persian_punctuation = o.ezafe_heh = o.reduce_repeats = false;
  o.analyze = false;
  configure(&o);
  auto normalizer = std::make_shared<Normalizer>(CharRules::Default(), PersianWordRules::Default(),
                                                 TextAnalyzer::Default(), o);
  return [normalizer](const std::string& in) -> std::optional<std::string> {
    auto r = normalizer->Normalize(in, Language::kPersian);
    if (!r.ok()) return std::nullopt;
    return r->display;
  };
}

void All(NormalizerOptions* o) { *o = NormalizerOptions(); o->analyze = false; }
void Spacing(NormalizerOptions* o) {
  o->spacing = o->zwnj = o->punctuation_spacing = o->ezafe_heh = true;
}

// Masks the tokens of `kind` (our tokenizer's URL / e-mail / mention /
// hashtag detection) with `mask`, then trims.
Op Mask(TokenKind kind, std::string mask) {
  return [kind, mask](const std::string& in) -> std::optional<std::string> {
    auto r = Normalizer::Default().Normalize(in, Language::kPersian);
    if (!r.ok()) return std::nullopt;
    std::string out;
    uint32_t at = 0;
    for (const Token& t : r->tokens) {
      if (t.kind != kind) continue;
      out.append(in, at, t.original.begin - at);
      out.append(mask);
      at = t.original.end;
    }
    out.append(in, at, std::string::npos);
    return std::string(Strip(out));
  };
}

std::string FormatNumber(double v, NormalizerOptions::DigitStyle digits, bool commas) {
  if (v == 0) v = 0;  // no "-0"
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.0f", v);
  std::string s = buf;
  if (commas) {
    size_t start = s[0] == '-' ? 1 : 0;
    for (int i = static_cast<int>(s.size()) - 3; i > static_cast<int>(start); i -= 3) s.insert(i, ",");
  }
  if (digits == NormalizerOptions::DigitStyle::kKeep || digits == NormalizerOptions::DigitStyle::kAscii) return s;
  std::string out;
  char32_t zero = digits == NormalizerOptions::DigitStyle::kPersian ? 0x06F0 : 0x0660;
  for (char c : s) {
    if (c >= '0' && c <= '9') AppendUtf8(zero + (c - '0'), &out);
    else out.push_back(c);
  }
  return out;
}

// Number words → value, through our TextAnalyzer: the number words and
// digits of the text are read as one number; other words are ignored.
Op WordsToNumber(NormalizerOptions::DigitStyle digits, bool commas) {
  return [digits, commas](const std::string& in) -> std::optional<std::string> {
    if (Strip(in).empty()) return std::string();
    auto r = Normalizer::Default().Normalize(in, Language::kPersian);
    if (!r.ok()) return std::nullopt;
    std::vector<std::string> words;
    bool negative = false;
    for (size_t i = 0; i < r->tokens.size(); ++i) {
      const Token& t = r->tokens[i];
      if (i == 0 && t.key == "-") negative = true;
      std::vector<std::string> one{t.key};
      if (t.key == "منفی" || t.key == "و" || TextAnalyzer::Default().ParseNumber(one, Language::kPersian)) {
        words.push_back(t.key);
      }
    }
    std::optional<double> v = TextAnalyzer::Default().ParseNumber(words, Language::kPersian);
    if (!v) return std::nullopt;
    return FormatNumber(negative ? -*v : *v, digits, commas);
  };
}

struct PeerOp {
  const char* option;  // the peer's option, exactly as in the case file
  const char* ours;    // what we run, in words (printed with --verbose)
  Op op;
};

using DS = NormalizerOptions::DigitStyle;

// The mapping table: peer function → our operations.
std::vector<PeerOp> PeerOps() {
  return {
      // shekar
      {"Normalizer().__call__", "display, all operations, diacritics removed",
       Display([](NormalizerOptions* o) { All(o); o->remove_diacritics = true; })},
      {"Normalizer().normalize", "display, all operations, diacritics removed",
       Display([](NormalizerOptions* o) { All(o); o->remove_diacritics = true; })},
      {"Normalizer(steps=[]).normalize", "no operation", Display([](NormalizerOptions*) {})},
      {"OrthographicSpacingNormalizer().__call__", "whitespace + ZWNJ clean-up",
       Display([](NormalizerOptions* o) { o->spacing = o->zwnj = true; })},
      {"SpacingNormalizer().__call__", "whitespace, ZWNJ/word spacing, punctuation spacing",
       Display(Spacing)},
      {"VerbalSpacingNormalizer().__call__", "whitespace, ZWNJ/word spacing, punctuation spacing",
       Display(Spacing)},
      {"WordSpacingNormalizer().__call__", "whitespace, ZWNJ/word spacing, punctuation spacing",
       Display(Spacing)},
      {"PunctuationSpacingNormalizer().__call__", "whitespace + punctuation spacing",
       Display([](NormalizerOptions* o) { o->spacing = o->punctuation_spacing = true; })},
      {"PunctuationNormalizer().__call__", "Persian punctuation forms",
       Display([](NormalizerOptions* o) { o->persian_punctuation = true; })},
      {"AlphabetNormalizer().__call__", "NFKC + letter rules",
       Display([](NormalizerOptions* o) { o->nfkc = o->letters = true; })},
      {"ArabicUnicodeNormalizer().__call__", "NFKC + letter rules",
       Display([](NormalizerOptions* o) { o->nfkc = o->letters = true; })},
      {"DigitNormalizer().__call__", "NFKC + digits to Persian",
       Display([](NormalizerOptions* o) { o->nfkc = o->letters = true; o->persian_digits = DS::kPersian; })},
      {"NumericNormalizer().__call__", "NFKC + digits to Persian",
       Display([](NormalizerOptions* o) { o->nfkc = o->letters = true; o->persian_digits = DS::kPersian; })},
      {"RepeatedLetterNormalizer().__call__", "repeated letters + tatweel",
       Display([](NormalizerOptions* o) { o->letters = o->reduce_repeats = true; })},
      {"RedundantCharacterRemover().__call__", "repeated letters + tatweel",
       Display([](NormalizerOptions* o) { o->letters = o->reduce_repeats = true; })},
      {"DiacriticRemover().__call__", "diacritics removed",
       Display([](NormalizerOptions* o) { o->remove_diacritics = true; })},
      {"DiacriticMasker().__call__", "diacritics removed",
       Display([](NormalizerOptions* o) { o->remove_diacritics = true; })},
      {"YaNormalizer(style='standard').__call__", "ezafe after silent heh → ۀ",
       Display([](NormalizerOptions* o) { o->ezafe_heh = o->zwnj = true; })},
      {"YaNormalizer().__call__", "ezafe after silent heh → ۀ",
       Display([](NormalizerOptions* o) { o->ezafe_heh = o->zwnj = true; })},
      {"YaNormalizer(style='joda').__call__", "ezafe after silent heh → ۀ",
       Display([](NormalizerOptions* o) { o->ezafe_heh = o->zwnj = true; })},
      {"EmailMasker(mask_token='').__call__", "e-mail tokens removed", Mask(TokenKind::kEmail, "")},
      {"EmailMasker(mask='<EMAIL>').__call__", "e-mail tokens masked", Mask(TokenKind::kEmail, "<EMAIL>")},
      {"URLMasker(mask_token='').__call__", "URL tokens removed", Mask(TokenKind::kUrl, "")},
      {"URLMasker(mask='<URL>').__call__", "URL tokens masked", Mask(TokenKind::kUrl, "<URL>")},
      {"MentionMasker(mask_token='').__call__", "mention tokens removed", Mask(TokenKind::kMention, "")},
      {"HashtagMasker(mask_token='').__call__", "hashtag tokens removed", Mask(TokenKind::kHashtag, "")},
      // persian-tools
      {"halfSpace", "whitespace, ZWNJ/word spacing, punctuation spacing", Display(Spacing)},
      {"toPersianChars", "letter rules", Display([](NormalizerOptions* o) { o->letters = true; })},
      {"digitsArToFa", "letter rules (Arabic-Indic → Persian digits)",
       Display([](NormalizerOptions* o) { o->letters = true; })},
      {"digitsEnToFa", "digits to Persian", Display([](NormalizerOptions* o) { o->persian_digits = DS::kPersian; })},
      {"digitsFaToEn", "digits to ASCII", Display([](NormalizerOptions* o) { o->persian_digits = DS::kAscii; })},
      {"digitsArToEn", "digits to ASCII", Display([](NormalizerOptions* o) { o->persian_digits = DS::kAscii; })},
      {"digitsFaToEn∘digitsArToFa", "digits to ASCII",
       Display([](NormalizerOptions* o) { o->persian_digits = DS::kAscii; })},
      {"digitsEnToFa∘digitsArToEn", "digits to Persian",
       Display([](NormalizerOptions* o) { o->persian_digits = DS::kPersian; })},
      {"digitsEnToAr", "digits to Arabic-Indic",
       Display([](NormalizerOptions* o) { o->persian_digits = DS::kArabicIndic; })},
      {"digitsFaToAr", "digits to Arabic-Indic",
       Display([](NormalizerOptions* o) { o->persian_digits = DS::kArabicIndic; })},
      {"wordsToNumber", "number words → value", WordsToNumber(DS::kAscii, false)},
      {"wordsToNumber(+{})", "number words → value", WordsToNumber(DS::kAscii, false)},
      {"wordsToNumber(+{ addCommas: true })", "number words → value", WordsToNumber(DS::kAscii, true)},
      {"wordsToNumber(+{ digits: \"ar\" })", "number words → value", WordsToNumber(DS::kArabicIndic, false)},
      {"wordsToNumber(+{ digits: \"ar\", addCommas: true })", "number words → value",
       WordsToNumber(DS::kArabicIndic, true)},
      {"wordsToNumber(+{ digits: \"fa\" })", "number words → value", WordsToNumber(DS::kPersian, false)},
      {"wordsToNumber(+{ digits: \"fa\", addCommas: true })", "number words → value",
       WordsToNumber(DS::kPersian, true)},
      {"wordsToNumber(+{ autoConvertDigitsToEn: true, })", "number words → value", WordsToNumber(DS::kAscii, false)},
      {"wordsToNumber(+{ autoConvertArabicCharsToPersian: true, })", "number words → value",
       WordsToNumber(DS::kAscii, false)},
      {"wordsToNumber(+{ autoConvertDigitsToEn: true, autoConvertArabicCharsToPersian: true, })",
       "number words → value", WordsToNumber(DS::kAscii, false)},
      // piraye
      {"NormalizerBuilder().build().normalize[0]", "no operation", Display([](NormalizerOptions*) {})},
      {"NormalizerBuilder().alphabet_fa().digit_fa().punctuation_fa().remove_extra_spaces().build().normalize[0]",
       "letters, Persian digits, Persian punctuation, whitespace",
       Display([](NormalizerOptions* o) { o->letters = o->nfkc = o->persian_punctuation = o->spacing = true; o->persian_digits = DS::kPersian; })},
      {"NormalizerBuilder().alphabet_fa().punctuation_fa().digit_fa().remove_extra_spaces().build().normalize[0]",
       "letters, Persian digits, Persian punctuation, whitespace",
       Display([](NormalizerOptions* o) { o->letters = o->nfkc = o->persian_punctuation = o->spacing = true; o->persian_digits = DS::kPersian; })},
      {"NormalizerBuilder().alphabet_fa().digit_fa().remove_extra_spaces().build().normalize[0]",
       "letters, Persian digits, whitespace",
       Display([](NormalizerOptions* o) { o->letters = o->nfkc = o->spacing = true; o->persian_digits = DS::kPersian; })},
  };
}

// ---- Conventions ----------------------------------------------------------

std::string ReplaceAll(std::string s, std::string_view from, std::string_view to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

std::string DigitsToAscii(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    size_t at = i;
    char32_t c = DecodeUtf8(s, &i);
    if (c >= 0x06F0 && c <= 0x06F9) out.push_back(static_cast<char>('0' + (c - 0x06F0)));
    else if (c >= 0x0660 && c <= 0x0669) out.push_back(static_cast<char>('0' + (c - 0x0660)));
    else out.append(s, at, i - at);
  }
  return out;
}

constexpr char kZwnj[] = "\xE2\x80\x8C";

// A convention: a name, what we chose, and a rewrite that maps the peer's
// spelling of that convention onto ours (applied to both sides, so that a
// case differing from ours only by conventions becomes equal).
struct Convention {
  enum Side { kOurs, kExpected, kBoth };
  const char* name;
  const char* ours;
  // Which side the rewrite applies to: our output (the peer lacks what we
  // add), the expected output (the peer writes what we do not), or both.
  Side side;
  std::function<std::string(const std::string&)> canon;
};

std::vector<Convention> Conventions() {
  return {
      {"tar-without-zwnj", "تر/ترین take a ZWNJ after a joining letter (بزرگ‌تر)", Convention::kOurs,
       [](const std::string& s) { return ReplaceAll(ReplaceAll(s, StrCat(kZwnj, "ترین"), "ترین"), StrCat(kZwnj, "تر"), "تر"); }},
      {"compound-spelling",
       "اینجا، آنکه، همچنین and به هر حال، به وجود، چند سال، پس بده، محمد علی as standard spelling has them",
       Convention::kExpected, [](const std::string& s) {
         std::string x = s;
         for (auto [from, to] : std::initializer_list<std::pair<const char*, const char*>>{
                  {"به‌هر حال", "به هر حال"}, {"به‌هر شکل", "به هر شکل"}, {"به‌وجود", "به وجود"},
                  {"چند‌سال", "چند سال"}, {"این‌جا", "اینجا"}, {"آن‌که", "آنکه"}, {"هم‌چنین", "همچنین"},
                  {"محمد‌علی", "محمد علی"}, {"پس‌بده", "پس بده"}}) {
           x = ReplaceAll(x, from, to);
         }
         return x;
       }},
      {"attached-mi-kept-by-peer", "attached می/نمی before a verb gets its ZWNJ (میرود → می‌رود)",
       Convention::kOurs, [](const std::string& s) { return ReplaceAll(ReplaceAll(s, StrCat("نمی", kZwnj), "نمی"), StrCat("می", kZwnj), "می"); }},
      {"digit-set", "display digits: Persian in Persian text; Persian and Arabic-Indic digits are one set",
       Convention::kBoth, [](const std::string& s) { return DigitsToAscii(s); }},
      {"hamza-kept", "hamza forms (أ إ ؤ ئ ء) are kept in the display form", Convention::kOurs,
       [](const std::string& s) { return ReplaceAll(ReplaceAll(s, "إ", "ا"), "أ", "ا"); }},
      {"ezafe-heh-standard", "ezafe after silent heh is written ۀ (standard style), not ه‌ی",
       Convention::kExpected, [](const std::string& s) { return ReplaceAll(s, StrCat("ه", kZwnj, "ی"), "ۀ"); }},
      {"punctuation-in-context",
       "? , ; % become ؟ ، ؛ ٪ only next to Persian words or numbers; ٬ stays a thousands separator",
       Convention::kOurs, [](const std::string& s) {
         return ReplaceAll(ReplaceAll(ReplaceAll(ReplaceAll(s, "?", "؟"), "%", "٪"), "٬", "،"), ",", "،");
       }},
  };
}

// Which conventions explain the difference between `ours` and `expected`
// (empty when they do not).
// The smallest set of conventions whose rewrites make `ours` and
// `expected` equal (empty when none does). There are few conventions, so
// every subset is tried, smallest first.
std::vector<const Convention*> Explain(const std::vector<Convention>& all, const std::string& ours,
                                       const std::string& expected) {
  const size_t n = all.size();
  std::vector<uint32_t> subsets;
  for (uint32_t m = 1; m < (1u << n); ++m) subsets.push_back(m);
  std::stable_sort(subsets.begin(), subsets.end(),
                   [](uint32_t a, uint32_t b) { return __builtin_popcount(a) < __builtin_popcount(b); });
  for (uint32_t m : subsets) {
    std::string o = ours, e = expected;
    for (size_t i = 0; i < n; ++i) {
      if (!(m & (1u << i))) continue;
      if (all[i].side != Convention::kExpected) o = all[i].canon(o);
      if (all[i].side != Convention::kOurs) e = all[i].canon(e);
    }
    if (o == e) {
      std::vector<const Convention*> used;
      for (size_t i = 0; i < n; ++i) {
        if (m & (1u << i)) used.push_back(&all[i]);
      }
      return used;
    }
  }
  return {};
}

}  // namespace

int RunNormalizeEval(const std::vector<std::string>& args) {
  std::string cases_path;
  bool verbose = false;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--cases" && i + 1 < args.size()) cases_path = args[++i];
    else if (args[i] == "--verbose") verbose = true;
    else return Usage(StrCat("normalize: unknown argument ", args[i]));
  }
  if (cases_path.empty()) return Usage("normalize: --cases FILE.tsv is required");
  std::vector<Case> cases;
  std::string error;
  if (!ReadCases(cases_path, &cases, &error)) {
    std::fprintf(stderr, "quotematch-eval: %s\n", error.c_str());
    return 2;
  }
  std::vector<PeerOp> ops = PeerOps();
  std::vector<Convention> conventions = Conventions();
  struct Tally {
    int agree = 0, disagree = 0, convention = 0, unsupported = 0;
  };
  std::map<std::string, Tally> by_peer, by_tag;
  std::map<std::string, int> by_convention;
  std::vector<std::string> convention_lines, unsupported_lines, disagreement_lines;
  Tally total;
  for (const Case& c : cases) {
    const PeerOp* op = nullptr;
    for (const PeerOp& p : ops) {
      if (c.option == p.option) op = &p;
    }
    std::vector<std::string> tags;
    for (std::string_view t : Split(c.features, ',', true)) tags.emplace_back(t);
    if (tags.empty()) tags.push_back("(none)");
    auto count = [&](int Tally::*field) {
      by_peer[c.peer].*field += 1;
      for (const auto& t : tags) by_tag[t].*field += 1;
      total.*field += 1;
    };
    if (op == nullptr) {
      count(&Tally::unsupported);
      unsupported_lines.push_back(StrCat(c.peer, ":", c.line, " ", c.option));
      continue;
    }
    std::optional<std::string> ours = op->op(c.input);
    std::string got = ours.value_or("");
    bool ok;
    if (c.check == "contains") ok = got.find(c.expected) != std::string::npos;
    else if (c.check == "not_contains") ok = got.find(c.expected) == std::string::npos;
    else ok = got == c.expected;
    if (ok) {
      count(&Tally::agree);
      continue;
    }
    std::vector<const Convention*> conv;
    if (c.check == "equals" && ours) conv = Explain(conventions, got, c.expected);
    if (!ours && c.expected == "0" && op->ours == std::string("number words → value")) {
      static const Convention kNoNumber{"zero-for-no-number", "a text without a number has no value (not 0)",
                                        Convention::kBoth, nullptr};
      conv.push_back(&kNoNumber);
    }
    if (!conv.empty()) {
      count(&Tally::convention);
      std::vector<std::string> names;
      for (const Convention* k : conv) {
        by_convention[k->name] += 1;
        names.emplace_back(k->name);
      }
      convention_lines.push_back(StrCat(c.peer, ":", c.line, " [", StrJoin(names, "+"), "] expected «", c.expected,
                                        "» ours «", got, "»"));
    } else {
      count(&Tally::disagree);
      disagreement_lines.push_back(StrCat(c.peer, ":", c.line, " ", c.option, " (", c.check, ")\n    input    «",
                                          c.input, "»\n    expected «", c.expected, "»\n    ours     «", got, "»"));
    }
  }
  auto ratio = [](const Tally& t) {
    int n = t.agree + t.disagree;
    return n == 0 ? 0.0 : static_cast<double>(t.agree) / n;
  };
  std::printf("%-34s %7s %6s %9s %10s %11s\n", "peer", "agree", "n", "disagree", "convention", "unsupported");
  for (const auto& [peer, t] : by_peer) {
    std::printf("%-34s %7.4f %6d %9d %10d %11d\n", peer.c_str(), ratio(t), t.agree + t.disagree, t.disagree,
                t.convention, t.unsupported);
  }
  std::printf("\n%-34s %7s %6s %9s %10s %11s\n", "feature tag", "agree", "n", "disagree", "convention", "unsupported");
  for (const auto& [tag, t] : by_tag) {
    std::printf("%-34s %7.4f %6d %9d %10d %11d\n", tag.c_str(), ratio(t), t.agree + t.disagree, t.disagree,
                t.convention, t.unsupported);
  }
  std::printf("\nconventions we chose differently (%d cases):\n", total.convention);
  for (const auto& [name, n] : by_convention) {
    const char* what = "a text without a number has no value (not 0)";
    for (const Convention& k : conventions) {
      if (name == k.name) what = k.ours;
    }
    std::printf("  %-26s %3d  ours: %s\n", name.c_str(), n, what);
  }
  for (const auto& l : convention_lines) std::printf("    %s\n", l.c_str());
  std::printf("\nunsupported peer functions (%d cases; no counterpart among our operations):\n", total.unsupported);
  std::map<std::string, int> unsupported_by_option;
  for (const auto& l : unsupported_lines) unsupported_by_option[l.substr(l.find(' ') + 1)] += 1;
  for (const auto& [opt, n] : unsupported_by_option) std::printf("  %3d  %s\n", n, opt.c_str());
  std::printf("\ndisagreements (%d):\n", total.disagree);
  for (const auto& l : disagreement_lines) std::printf("  %s\n", l.c_str());
  if (verbose) {
    std::printf("\nmapping table:\n");
    for (const PeerOp& p : ops) std::printf("  %-60s → %s\n", p.option, p.ours);
  }
  std::printf("agreement: %.4f (n=%d)\n", ratio(total), total.agree + total.disagree);
  return 0;
}

}  // namespace quotematch::eval
