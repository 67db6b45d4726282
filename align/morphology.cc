#include "align/morphology.h"

#include <algorithm>

#include "base/status_macros.h"
#include "base/strings.h"
#include "base/tsv.h"
#include "base/utf8.h"
#include "normalize/normalizer.h"

namespace quotematch {
namespace {

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

void AddUnique(std::vector<std::string>* v, std::string s) {
  if (std::find(v->begin(), v->end(), s) == v->end()) v->push_back(std::move(s));
}

absl::StatusOr<std::string> KeyOf(const TsvRecord& r, std::string_view text, Language lang) {
  auto n = Normalizer::Default().Normalize(text, lang);
  if (!n.ok()) return r.Error(AsStd(n.status().message()));
  if (n->key.empty()) return r.Error("empty after normalization");
  return n->key;
}

absl::Status LoadWordSet(std::string_view text, std::string_view file, Language lang,
                         absl::flat_hash_set<std::string>* out) {
  return ForEachTsvRecord(text, file, 1, 1, [&](const TsvRecord& r) -> absl::Status {
    ASSIGN_OR_RETURN(std::string key, KeyOf(r, r.fields[0], lang));
    if (!out->insert(key).second) return r.Error(StrCat("duplicate word '", r.fields[0], "'"));
    return absl::OkStatus();
  });
}

// Orders readings: `rank` first, then longer (less stripped) lemmas.
struct Ranked {
  int rank;
  WordAnalysis analysis;
  int order = 0;   // within a rank, lower first (e.g. the more used verb)
};

std::vector<WordAnalysis> Finish(std::vector<Ranked> ranked) {
  std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
    if (a.rank != b.rank) return a.rank < b.rank;
    if (a.order != b.order) return a.order < b.order;
    return a.analysis.lemma.size() > b.analysis.lemma.size();
  });
  std::vector<WordAnalysis> out;
  for (Ranked& r : ranked) {
    bool seen = false;
    for (const WordAnalysis& o : out) seen |= o.lemma == r.analysis.lemma;
    if (!seen) out.push_back(std::move(r.analysis));
  }
  return out;
}

// ---------------------------------------------------------------------------
// English

bool IsVowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

// Stem ends consonant-vowel-consonant (hop, mak, us): -ing/-ed usually
// dropped a silent e there (hoping → hope).
bool EndsCvc(std::string_view s) {
  if (s.size() < 2) return false;
  const char c = s.back(), v = s[s.size() - 2];
  if (IsVowel(c) || !IsVowel(v) || c == 'w' || c == 'x' || c == 'y') return false;
  return s.size() < 3 || !IsVowel(s[s.size() - 3]);
}

struct EnglishRule {
  std::string_view suffix;
  std::string_view replacement;
};

// In the order they are tried; the vocabulary picks among their outputs.
constexpr EnglishRule kEnglishRules[] = {
    {"ies", "y"}, {"ied", "y"}, {"iest", "y"}, {"ier", "y"},  {"ily", "y"},  {"ves", "f"},
    {"ves", "fe"}, {"s", ""},   {"es", ""},    {"d", ""},     {"ed", ""},    {"ing", "e"},
    {"ing", ""},  {"r", ""},    {"er", ""},    {"st", ""},    {"est", ""},   {"ly", ""},
    {"ly", "le"}, {"ally", ""}, {"men", "man"}, {"ice", "ouse"}};

// -ed/-ing/-er/-est after a doubled consonant: stopped → stop, bigger → big.
constexpr std::string_view kDoubling[] = {"ed", "ing", "er", "est"};

bool EndsDoubled(std::string_view s) {
  return s.size() >= 3 && s.back() == s[s.size() - 2] && !IsVowel(s.back()) && s.back() != 's' &&
         s.back() != 'l';
}

// Whether a stem left by -ing/-ed had dropped a silent e: a short
// consonant-vowel-consonant stem (hop → hope, us → use) or an ending that
// takes one (-ate, -ize, -ure, -uce, -ive, -ove, ...).
bool WantsE(std::string_view stem) {
  if (stem.size() <= 4 && EndsCvc(stem)) return true;
  for (std::string_view e : {"at", "iz", "is", "ur", "uc", "iv", "ov", "ag", "ib", "ud", "ut", "ir", "ok", "ak", "os"}) {
    if (EndsWith(stem, e) && stem.size() > e.size() + 1) return true;
  }
  return false;
}

// The reading a regular rule gives a word the vocabulary does not know.
bool RegularGuess(const EnglishRule& rule, std::string_view w, std::string_view stem) {
  const std::string_view suffix = rule.suffix;
  const bool sibilant = EndsWith(stem, "ch") || EndsWith(stem, "sh") || EndsWith(stem, "x") ||
                        EndsWith(stem, "ss") || EndsWith(stem, "z");
  if (suffix == "ies" || suffix == "ied") return true;
  if (suffix == "es" && rule.replacement.empty()) return sibilant;
  if (suffix == "s") {
    return !EndsWith(w, "ss") && !EndsWith(w, "ous") && !EndsWith(w, "is") &&
           !(EndsWith(stem, "e") && (EndsWith(stem.substr(0, stem.size() - 1), "ch") ||
                                     EndsWith(stem.substr(0, stem.size() - 1), "sh") ||
                                     EndsWith(stem.substr(0, stem.size() - 1), "x")));
  }
  if (w.size() < 5) return false;
  if (suffix == "ing") return w.size() >= 6 && (rule.replacement.empty() ? !WantsE(stem) && !EndsDoubled(stem) : WantsE(stem));
  if (suffix == "d" && EndsWith(stem, "e")) return WantsE(stem.substr(0, stem.size() - 1));
  if (suffix == "ed") return !WantsE(stem) && !EndsDoubled(stem);
  return false;
}

// ---------------------------------------------------------------------------
// Persian (match-key form)

constexpr std::string_view kVerbPrefixes[] = {"نمی", "می", "ن", "ب", ""};
constexpr std::string_view kPastEndings[] = {"", "م", "ی", "یم", "ید", "ند"};
constexpr std::string_view kPresentEndings[] = {"م", "ی", "د", "یم", "ید", "ند",
                                                "یی", "ییم", "یید", "یند"};
constexpr std::string_view kPerfectEndings[] = {"", "ام", "ای", "ایم", "اید", "اند"};

constexpr std::string_view kLightVerbs[] = {"کردن", "شدن",  "دادن",   "داشتن", "زدن",
                                            "گرفتن", "بودن", "نمودن", "گشتن", "ساختن",
                                            "یافتن", "آوردن", "گذاشتن", "رساندن", "رسیدن",
                                            "کشیدن", "خوردن", "آمدن", "انداختن", "بستن"};

// Nominal suffix layers, peeled from the right in this order; each optional.
constexpr std::string_view kEnclitics[] = {"یشان", "یتان", "یمان", "شان", "تان", "مان", "یش",
                                           "یت",   "یم",   "اش",   "ات",  "ام",  "ش",   "ت", "م"};
constexpr std::string_view kEzafe[] = {"یی", "ای", "ی"};
struct Plural {
  std::string_view suffix;
  std::string_view restore;  // appended to what is left: نمایندگان → نماینده
};
constexpr Plural kPlurals[] = {{"ها", ""}, {"یان", ""}, {"گان", "ه"}, {"ان", ""}, {"جات", ""},
                               {"ات", ""}, {"ات", "ه"}, {"ین", ""}, {"ون", ""}};
constexpr std::string_view kComparatives[] = {"ترین", "تر"};

struct Peeled {
  std::string stem;
  std::string path;   // suffixes stripped, outermost last: "ها + یشان"
  bool safe = false;  // only ها/ترین and what may follow them: strip even if unknown
  bool plural = false;
  std::string_view plural_suffix;   // ها, ات, ... if a plural was stripped
  bool comparative = false;
};

std::string Plus(std::string_view a, std::string_view b) {
  if (a.empty()) return std::string(b);
  if (b.empty()) return std::string(a);
  return StrCat(a, " + ", b);
}

bool CanStrip(std::string_view w, std::string_view suffix) {
  return EndsWith(w, suffix) && CodePoints(w) >= CodePoints(suffix) + 2;
}

void PeelNominal(std::string_view word, std::vector<Peeled>* out) {
  std::vector<Peeled> layer{{std::string(word), "", true, false}};
  auto extend = [&](const std::vector<Peeled>& from, auto&& each) {
    std::vector<Peeled> next = from;
    for (const Peeled& p : from) each(p, &next);
    return next;
  };
  layer = extend(layer, [](const Peeled& p, std::vector<Peeled>* next) {
    for (std::string_view s : kEnclitics) {
      if (CanStrip(p.stem, s)) {
        next->push_back({p.stem.substr(0, p.stem.size() - s.size()), std::string(s), true, false});
      }
    }
  });
  layer = extend(layer, [](const Peeled& p, std::vector<Peeled>* next) {
    for (std::string_view s : kEzafe) {
      if (CanStrip(p.stem, s)) {
        next->push_back({p.stem.substr(0, p.stem.size() - s.size()), Plus(s, p.path), true, false});
      }
    }
  });
  // Everything so far is safe only when a ها (or ترین) follows; mark later.
  for (Peeled& p : layer) p.safe = p.path.empty();
  layer = extend(layer, [](const Peeled& p, std::vector<Peeled>* next) {
    for (const Plural& pl : kPlurals) {
      if (!CanStrip(p.stem, pl.suffix)) continue;
      std::string stem = StrCat(p.stem.substr(0, p.stem.size() - pl.suffix.size()), pl.restore);
      next->push_back({std::move(stem), Plus(pl.suffix, p.path), pl.suffix == "ها", true, pl.suffix});
    }
  });
  layer = extend(layer, [](const Peeled& p, std::vector<Peeled>* next) {
    for (std::string_view s : kComparatives) {
      if (CanStrip(p.stem, s)) {
        next->push_back({p.stem.substr(0, p.stem.size() - s.size()), Plus(s, p.path),
                         s == "ترین" && (p.safe || p.path.empty()), p.plural, p.plural_suffix, true});
      }
    }
  });
  for (Peeled& p : layer) {
    if (!p.path.empty()) out->push_back(std::move(p));
  }
}

}  // namespace

// ---------------------------------------------------------------------------
// EnglishLemmatizer

absl::StatusOr<std::unique_ptr<EnglishLemmatizer>> EnglishLemmatizer::Load(
    std::string_view irregular, std::string_view stopwords) {
  auto out = std::make_unique<EnglishLemmatizer>();
  RETURN_IF_ERROR(ForEachTsvRecord(irregular, "en_irregular.tsv", 2, 2, [&](const TsvRecord& r) {
    std::vector<std::string>& lemmas = out->irregular_[std::string(r.fields[0])];
    if (std::find(lemmas.begin(), lemmas.end(), r.fields[1]) != lemmas.end()) {
      return r.Error(StrCat("duplicate form '", r.fields[0], "' → '", r.fields[1], "'"));
    }
    lemmas.emplace_back(r.fields[1]);
    return absl::OkStatus();
  }));
  RETURN_IF_ERROR(LoadWordSet(stopwords, "stopwords_en.txt", Language::kEnglish, &out->stopwords_));
  return out;
}

std::vector<WordAnalysis> EnglishLemmatizer::Analyze(std::string_view word) const {
  std::vector<Ranked> ranked;
  std::string_view w = word;
  std::string base_path;
  if (EndsWith(w, "'s") && w.size() > 2) {
    w.remove_suffix(2);
    base_path = "'s";
  } else if (EndsWith(w, "'") && w.size() > 1) {
    w.remove_suffix(1);
    base_path = "'";
  }
  auto known = [&](std::string_view s) { return vocabulary_.contains(AsAbsl(s)); };
  auto known_as = [&](std::string_view s, uint16_t bits) {
    auto it = vocabulary_.find(AsAbsl(s));
    return it != vocabulary_.end() && (it->second & bits) != 0;
  };
  // A regular inflection of a known lemma of the right kind outranks the
  // form listed on its own (officials → official, killed → kill, earliest →
  // early); -ing words keep a known noun reading (building, meeting).
  auto SureInflection = [&](std::string_view suffix, std::string_view lemma) {
    if (suffix == "s" || suffix == "es" || suffix == "ies" || suffix == "ves") return known_as(lemma, kNounBits | kVerbBits);
    if (suffix == "ed" || suffix == "d" || suffix == "ied") return known_as(lemma, kVerbBits);
    if (suffix == "ing") return known_as(lemma, kVerbBits) && !known_as(w, kNounBits | kAdjBits);
    if (suffix == "er" || suffix == "est" || suffix == "r" || suffix == "st" || suffix == "ier" || suffix == "iest") {
      return known_as(lemma, kAdjBits | kAdvBits) && !known_as(w, kNounBits);
    }
    return false;
  };
  auto add = [&](int rank, std::string lemma, std::string path) {
    const bool k = known(lemma);
    ranked.push_back({rank, {std::move(lemma), std::move(path), false, k}});
  };
  if (auto it = irregular_.find(AsAbsl(w)); it != irregular_.end()) {
    for (const std::string& lemma : it->second) add(-1, lemma, Plus(base_path, "irregular"));
  }
  const bool self_known = known(w);
  add(self_known ? 1 : 5, std::string(w), base_path);
  bool guessed = false;  // an unknown word's regular reading ranks above the word itself
  for (const EnglishRule& rule : kEnglishRules) {
    if (w.size() < rule.suffix.size() + 2 || !EndsWith(w, rule.suffix)) continue;
    std::string_view stem = w.substr(0, w.size() - rule.suffix.size());
    if (rule.suffix == "s" && (EndsWith(stem, "s") || EndsWith(stem, "u") || EndsWith(stem, "i"))) continue;
    std::string lemma = StrCat(stem, rule.replacement);
    std::string path = Plus(base_path, StrCat("-", rule.suffix, rule.replacement.empty() ? "" : " +", rule.replacement));
    if (known(lemma)) {
      const int rank = SureInflection(rule.suffix, lemma) ? 0 : 2;
      add(rank, std::move(lemma), std::move(path));
    } else if (!guessed && RegularGuess(rule, w, stem)) {
      add(self_known ? 6 : 4, std::move(lemma), std::move(path));
      guessed = true;
    }
  }
  // An adverb the vocabulary lacks reads as its adjective (Persian makes
  // adverbs from adjectives: به طور جدی، جدی): -ically → -ic, -ably → -able.
  if (!self_known && w.size() > 5 && EndsWith(w, "ly")) {
    for (auto [suffix, replacement] : {std::pair<std::string_view, std::string_view>{"ically", "ic"},
                                       {"ally", "al"}, {"ably", "able"}, {"ibly", "ible"}, {"ily", "y"}, {"ly", ""}}) {
      if (!EndsWith(w, suffix)) continue;
      std::string adj = StrCat(w.substr(0, w.size() - suffix.size()), replacement);
      if (known_as(adj, kAdjBits)) add(3, std::move(adj), Plus(base_path, StrCat("adverb -", suffix, " → adjective")));
    }
  }
  for (std::string_view suffix : kDoubling) {
    if (w.size() < suffix.size() + 3 || !EndsWith(w, suffix)) continue;
    std::string_view stem = w.substr(0, w.size() - suffix.size());
    if (!EndsDoubled(stem)) continue;
    std::string lemma(stem.substr(0, stem.size() - 1));
    const int rank = known(lemma) ? (SureInflection(suffix, lemma) ? 0 : 2) : (self_known ? 6 : 3);
    add(rank, std::move(lemma), Plus(base_path, StrCat("-", stem.back(), suffix)));
  }
  return Finish(std::move(ranked));
}

std::vector<std::string> EnglishLemmatizer::Candidates(std::string_view word) const {
  std::vector<std::string> out;
  out.emplace_back(word);
  for (const WordAnalysis& a : Analyze(word)) AddUnique(&out, a.lemma);
  // Every rule output too, known or not: the lexicon decides.
  std::string_view w = word;
  if (EndsWith(w, "'s")) w.remove_suffix(2);
  for (const EnglishRule& rule : kEnglishRules) {
    if (w.size() > rule.suffix.size() + 2 && EndsWith(w, rule.suffix)) {
      AddUnique(&out, StrCat(w.substr(0, w.size() - rule.suffix.size()), rule.replacement));
    }
  }
  for (std::string_view suffix : kDoubling) {
    if (w.size() > suffix.size() + 3 && EndsWith(w, suffix)) {
      std::string_view stem = w.substr(0, w.size() - suffix.size());
      if (stem[stem.size() - 1] == stem[stem.size() - 2]) AddUnique(&out, std::string(stem.substr(0, stem.size() - 1)));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// PersianStemmer

absl::StatusOr<std::unique_ptr<PersianStemmer>> PersianStemmer::Load(std::string_view verbs,
                                                                     std::string_view broken_plurals,
                                                                     std::string_view stopwords,
                                                                     std::string_view not_plural) {
  auto out = std::make_unique<PersianStemmer>();
  RETURN_IF_ERROR(ForEachTsvRecord(verbs, "fa_verbs.tsv", 3, 4, [&](const TsvRecord& r) -> absl::Status {
    ASSIGN_OR_RETURN(std::string inf, KeyOf(r, r.fields[0], Language::kPersian));
    ASSIGN_OR_RETURN(std::string past, KeyOf(r, r.fields[1], Language::kPersian));
    ASSIGN_OR_RETURN(std::string present, KeyOf(r, r.fields[2], Language::kPersian));
    if (!EndsWith(inf, "ن")) return r.Error("infinitive must end in ن");
    if (!out->present_stems_.emplace(inf, present).second) return r.Error("duplicate infinitive");
    out->stems_[past].push_back({inf, true});
    out->stems_[present].push_back({inf, false});
    return absl::OkStatus();
  }));
  // بودن's present has two stems: باش (subjunctive) and هست.
  if (out->present_stems_.contains("بودن")) out->stems_["هست"].push_back({"بودن", false});
  RETURN_IF_ERROR(ForEachTsvRecord(broken_plurals, "fa_broken_plurals.tsv", 2, 2,
                                   [&](const TsvRecord& r) -> absl::Status {
    ASSIGN_OR_RETURN(std::string plural, KeyOf(r, r.fields[0], Language::kPersian));
    ASSIGN_OR_RETURN(std::string singular, KeyOf(r, r.fields[1], Language::kPersian));
    if (!out->broken_plurals_.emplace(plural, singular).second) return r.Error("duplicate plural");
    return absl::OkStatus();
  }));
  RETURN_IF_ERROR(LoadWordSet(stopwords, "stopwords_fa.txt", Language::kPersian, &out->stopwords_));
  RETURN_IF_ERROR(LoadWordSet(not_plural, "fa_not_plural.txt", Language::kPersian, &out->not_plural_));
  return out;
}

bool PersianStemmer::IsLightVerb(std::string_view infinitive) {
  return std::find(std::begin(kLightVerbs), std::end(kLightVerbs), infinitive) != std::end(kLightVerbs);
}

void PersianStemmer::AddVerbParses(std::string_view word, std::vector<VerbParse>* out) const {
  // `strong`: a shape only a verb has (a prefix with an ending, a bare past
  // stem, a participle with a personal ending); weak readings such as a bare
  // present stem with an ending (روند) yield to a known noun.
  auto add = [&](bool strong, std::string_view prefix, std::string_view stem, std::string_view ending,
                 const Verb& v, std::string_view tense) {
    std::string path = Plus(Plus(prefix, stem), ending);
    out->push_back({strong, std::string(tense),
                    {v.infinitive, StrCat(path, " → ", v.infinitive, " (", tense, ")"), true,
                     Known(v.infinitive)}});
  };
  if (word == "است" || word == "نیست") {
    out->push_back({true, "present", {"بودن", StrCat(word, " → بودن (present)"), true, true}});
    return;
  }
  for (std::string_view prefix : kVerbPrefixes) {
    if (!StartsWith(word, prefix)) continue;
    std::string_view rest = word.substr(prefix.size());
    std::vector<std::string> rests{std::string(rest)};
    if (prefix == "ن" || prefix == "ب") {  // بیاید ← آ، بیندازد ← ا
      if (StartsWith(rest, "یا")) rests.push_back(StrCat("آ", rest.substr(std::string_view("یا").size())));
      else if (StartsWith(rest, "ی")) rests.push_back(StrCat("ا", rest.substr(std::string_view("ی").size())));
    }
    const bool mi = prefix == "می" || prefix == "نمی";
    for (const std::string& r : rests) {
      if (prefix != "ب") {
        for (std::string_view e : kPastEndings) {
          if (!EndsWith(r, e) || r.size() == e.size()) continue;
          auto it = stems_.find(AsAbsl(std::string_view(r).substr(0, r.size() - e.size())));
          if (it == stems_.end()) continue;
          for (const Verb& v : it->second) {
            if (!v.past) continue;
            const bool strong = mi || prefix.empty() || !e.empty();
            add(strong, prefix, it->first, e, v, mi ? "past continuous" : "past");
          }
        }
        if (!mi) {
          for (std::string_view e : kPerfectEndings) {
            std::string tail = StrCat("ه", e);
            if (!EndsWith(r, tail) || r.size() == tail.size()) continue;
            auto it = stems_.find(AsAbsl(std::string_view(r).substr(0, r.size() - tail.size())));
            if (it == stems_.end()) continue;
            for (const Verb& v : it->second) {
              if (v.past) add(!e.empty(), prefix, StrCat(it->first, "ه"), e, v, "participle");
            }
          }
        }
      }
      for (std::string_view e : kPresentEndings) {
        if (!EndsWith(r, e) || r.size() == e.size()) continue;
        auto it = stems_.find(AsAbsl(std::string_view(r).substr(0, r.size() - e.size())));
        if (it == stems_.end()) continue;
        for (const Verb& v : it->second) {
          // Without a prefix only light verbs are sure (اعلام کند، انجام شود); روند stays a noun.
          if (!v.past) add(!prefix.empty() || IsLightVerb(v.infinitive), prefix, it->first, e, v, "present");
        }
      }
      if (prefix == "ب" || prefix == "ن") {  // imperative: بگو، نکن
        auto it = stems_.find(AsAbsl(r));
        if (it != stems_.end()) {
          for (const Verb& v : it->second) {
            if (!v.past) add(false, prefix, it->first, "", v, "imperative");
          }
        }
      }
    }
  }
}

std::vector<WordAnalysis> PersianStemmer::Analyze(std::string_view word) const {
  std::vector<Ranked> ranked;
  const bool self_known = Known(word);
  // Ranks: 0 a sure light verb; 1 another sure verb, or a broken plural; 2 a
  // known stem under a sure suffix; 3 the word itself, known; 4 a verb shape
  // of a known word; 5 a known stem under other suffixes; 6-7 weak verb
  // shapes; 8 an unknown stem under ها/ترین; 9 the word itself, unknown.
  ranked.push_back({self_known ? 3 : 9, {std::string(word), "", false, self_known}});

  std::vector<VerbParse> verbs;
  AddVerbParses(word, &verbs);
  for (VerbParse& v : verbs) {
    // A bare past stem (کرد، گفت) is read as the verb even when it is also a noun.
    const bool bare_past = v.tense == "past" && v.analysis.path.find('+') == std::string::npos;
    // A light verb's forms are read as the verb in any shape (کند، نکرد، شود);
    // so is خواه- without a prefix (the future auxiliary: خواهیم رفت).
    const bool light = IsLightVerb(v.analysis.lemma);
    const bool strong = v.strong || light || (v.analysis.lemma == "خواستن" && v.tense == "present");
    int rank = light ? 0 : strong ? (self_known && !bare_past ? 4 : 1) : (self_known ? 7 : 6);
    auto use = verb_use_.find(AsAbsl(v.analysis.lemma));
    const int order = use == verb_use_.end() ? 0 : -use->second;
    ranked.push_back({rank, std::move(v.analysis), order});
  }

  // Broken plurals, also under enclitics and ezafe: اخبارش، مسائلی.
  std::vector<Peeled> outer{{std::string(word), "", false, false}};
  for (std::string_view s : kEnclitics) {
    if (CanStrip(word, s)) outer.push_back({std::string(word.substr(0, word.size() - s.size())), std::string(s)});
  }
  for (size_t i = 0, n = outer.size(); i < n; ++i) {
    for (std::string_view s : kEzafe) {
      if (CanStrip(outer[i].stem, s)) {
        outer.push_back({outer[i].stem.substr(0, outer[i].stem.size() - s.size()), Plus(s, outer[i].path)});
      }
    }
  }
  for (const Peeled& o : outer) {
    auto it = broken_plurals_.find(AsAbsl(o.stem));
    if (it == broken_plurals_.end()) continue;
    ranked.push_back({1, {it->second, StrCat(Plus(o.stem, o.path), " → ", it->second, " (broken plural)"),
                          false, Known(it->second)}});
  }

  std::vector<Peeled> peeled;
  PeelNominal(word, &peeled);
  for (Peeled& p : peeled) {
    const bool known = KnownAs(p.stem, static_cast<uint16_t>(~kVerbBits));  // a noun, not a verb stem
    if (!known && !p.safe) continue;
    // A known noun under -ها/-ات, or adjective under -تر/-ترین, outranks the
    // word itself (نیروها → نیرو، مذاکرات → مذاکره، بزرگ‌ترین → بزرگ), unless
    // the word is listed as no plural (تنها); under -ان the word wins (جوان، باران).
    // (خانه‌ام is خانه + ام, not خان + ها + م: a known stem + ه wins.)
    const bool sure = (p.plural_suffix == "ها" && KnownAs(p.stem, kNounBits | kAdjBits | kNameBits) &&
                       !not_plural_.contains(AsAbsl(word)) && !Known(StrCat(p.stem, "ه"))) ||
                      (p.plural_suffix == "ات" && known) ||
                      (p.comparative && KnownAs(p.stem, kAdjBits | kAdvBits) && !IsStopword(p.stem));
    const int rank = sure ? 2 : (known ? 5 : 8);
    ranked.push_back({rank, {p.stem, Plus(p.stem, p.path), false, known}});
  }
  return Finish(std::move(ranked));
}

std::vector<std::string> PersianStemmer::Candidates(std::string_view word) const {
  std::vector<std::string> out;
  out.emplace_back(word);
  for (const WordAnalysis& a : Analyze(word)) AddUnique(&out, a.lemma);
  // Every nominal peel too, known or not: the lexicon decides.
  std::vector<Peeled> peeled;
  PeelNominal(word, &peeled);
  for (Peeled& p : peeled) AddUnique(&out, std::move(p.stem));
  return out;
}

std::vector<std::string> PersianStemmer::VerbStems(std::string_view infinitive) const {
  std::vector<std::string> out;
  if (!EndsWith(infinitive, "ن") || CodePoints(infinitive) < 3) return out;
  std::string past(infinitive.substr(0, infinitive.size() - std::string_view("ن").size()));
  out.push_back(past);
  if (auto it = present_stems_.find(AsAbsl(infinitive)); it != present_stems_.end()) {
    AddUnique(&out, it->second);
  }
  AddUnique(&out, past + "ه");  // participle (گفته، کشته) for passives and perfects
  return out;
}

std::vector<std::pair<size_t, std::string>> PersianStemmer::CompoundVerbs(
    const std::vector<std::vector<WordAnalysis>>& sentence, size_t window) const {
  std::vector<std::pair<size_t, std::string>> out;
  for (size_t j = 0; j < sentence.size(); ++j) {
    for (const WordAnalysis& v : sentence[j]) {
      if (!v.verb || !IsLightVerb(v.lemma)) continue;
      for (size_t back = 1; back <= window && back <= j; ++back) {
        const std::vector<WordAnalysis>& noun = sentence[j - back];
        if (noun.empty() || noun[0].verb || IsStopword(noun[0].lemma)) continue;
        out.emplace_back(j - back, StrCat(noun[0].lemma, " ", v.lemma));
      }
      break;
    }
  }
  return out;
}

}  // namespace quotematch
