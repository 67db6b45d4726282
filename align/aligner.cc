#include "align/aligner.h"

#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <numeric>
#include <span>

#include "absl/container/flat_hash_set.h"

#include "base/strings.h"
#include "base/status_macros.h"
#include "normalize/normalizer.h"
#include "qm_data.h"

namespace quotematch {
namespace {

constexpr int kMaxCountedNames = 3;
constexpr int kMaxCountedNumbers = 3;
constexpr uint32_t kMaxAlternatives = 16;   // entries tried per English unit
constexpr uint32_t kMaxSlots = 7;           // required Persian words per entry
constexpr uint8_t kJoinedSlot = 255;
constexpr size_t kRarestForms = 20;         // forms per statement used to find candidates
constexpr size_t kMaxPostings = 200;        // a form in more statements hardly discriminates
constexpr size_t kPostingsBudget = 600;     // postings read per statement to find candidates
constexpr size_t kCandidates = 80;          // candidates kept per statement, each way and merged
// A content word the lexicon cannot match at all counts this much of its
// idf in the coverage it could never contribute to.
constexpr float kUnknownWeight = 0.1f;

uint64_t Fnv(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

uint64_t NumberKey(double v) { return static_cast<uint64_t>(std::llround(v * 1000.0)) & ~(uint64_t{1} << 63); }
uint64_t DateKey(const CalendarDate& d) {
  return (uint64_t{1} << 63) | static_cast<uint64_t>(d.year * 10000 + d.month * 100 + d.day);
}

// Per-thread scratch of the scorer, so that scoring a pair allocates nothing.
struct Scratch {
  std::vector<uint8_t> alt_mask;       // per (unit, alternative): slots seen
  std::vector<uint32_t> touched;       // alternatives with a slot seen
  std::vector<uint8_t> unit_matched;   // per unit
  std::vector<uint8_t> fa_covered;     // per Persian term
  std::vector<uint8_t> en_name;        // per English term: matched as a name
  struct Hit {
    uint32_t alt;     // index into alt_mask
    uint32_t fa_term;
    uint8_t slot;
  };
  std::vector<Hit> hits;
};

Scratch& ThreadScratch() {
  thread_local Scratch s;
  return s;
}

// Lemma candidates of a word, memoized per thread (news repeats its words);
// the memo is dropped when it grows past a bound.
template <typename Lemmatizer>
const std::vector<std::string>& MemoCandidates(const Lemmatizer& lem, const std::string& key, int language) {
  thread_local absl::flat_hash_map<std::string, std::vector<std::string>> memo[2];
  thread_local const void* owner[2] = {nullptr, nullptr};
  auto& m = memo[language];
  if (owner[language] != &lem || m.size() > 200000) {
    m.clear();
    owner[language] = &lem;
  }
  auto it = m.find(key);
  if (it == m.end()) it = m.emplace(key, lem.Candidates(key)).first;
  return it->second;
}

std::string_view Slice(std::string_view text, Span s) {
  if (s.end > text.size() || s.begin > s.end) return {};
  return text.substr(s.begin, s.size());
}

double Logistic(double z) { return 1.0 / (1.0 + std::exp(-z)); }

}  // namespace

absl::StatusOr<std::unique_ptr<Aligner>> Aligner::Load(const AlignerData& data,
                                                       ScoreWeights weights, LexiconOptions options) {
  std::unique_ptr<Aligner> a(new Aligner());
  a->weights_ = weights;
  ASSIGN_OR_RETURN(a->english_, EnglishLemmatizer::Load(data.english_irregular, data.stopwords_en));
  ASSIGN_OR_RETURN(a->persian_, PersianStemmer::Load(data.persian_verbs, data.broken_plurals, data.stopwords_fa,
                                                      data.not_plural));
  ASSIGN_OR_RETURN(a->lexicon_, Lexicon::Compile(data.lexicon, *a->persian_, options));
  a->english_->SetVocabulary(a->lexicon_->EnglishVocabulary());
  a->persian_->SetVocabulary(a->lexicon_->PersianVocabulary());
  a->persian_->SetVerbUse(a->lexicon_->PersianVerbUse());
  ASSIGN_OR_RETURN(a->skeletons_, NameSkeletons::Load(data.translit));
  return a;
}

AlignerData Aligner::EmbeddedData() {
  AlignerData d;
  const std::pair<const char*, std::string_view> files[] = {
      {"starter.tsv", data::kLexiconStarter},         {"politics.tsv", data::kLexiconPolitics},
      {"law.tsv", data::kLexiconLaw},                 {"security.tsv", data::kLexiconSecurity},
      {"disaster.tsv", data::kLexiconDisaster},       {"economy.tsv", data::kLexiconEconomy},
      {"culture.tsv", data::kLexiconCulture},         {"health.tsv", data::kLexiconHealth},
      {"general_verbs.tsv", data::kLexiconGeneralVerbs}, {"general_words.tsv", data::kLexiconGeneralWords},
      {"general_nouns.tsv", data::kLexiconGeneralNouns}, {"general_common.tsv", data::kLexiconGeneralCommon},
      {"general_topics.tsv", data::kLexiconGeneralTopics},
      {"names_places.tsv", data::kLexiconNamesPlaces},
      {"names_orgs.tsv", data::kLexiconNamesOrgs}};
  for (const auto& [name, text] : files) d.lexicon.push_back({name, text});
  d.english_irregular = data::kEnglishIrregular;
  d.persian_verbs = data::kPersianVerbs;
  d.broken_plurals = data::kPersianBrokenPlurals;
  d.not_plural = data::kPersianNotPlural;
  d.stopwords_en = data::kStopwordsEn;
  d.stopwords_fa = data::kStopwordsFa;
  d.translit = data::kTranslitFaLatin;
  return d;
}

const Aligner& Aligner::Default() {
  static const Aligner* aligner = [] {
    auto loaded = Load(EmbeddedData());
    if (!loaded.ok()) std::abort();  // embedded data is pinned by tests
    return loaded->release();
  }();
  return *aligner;
}

StatementFeatures Aligner::Featurize(const Document& doc, const NormalizedText& text,
                                     const Statement& statement) const {
  StatementFeatures f;
  f.statement = &statement;
  f.language = text.language;
  f.document_text = doc.text;
  const bool persian = text.language == Language::kPersian;
  const Span content = statement.content_span;
  auto first = std::lower_bound(text.tokens.begin(), text.tokens.end(), content.begin,
                                [](const Token& t, uint32_t pos) { return t.original.begin < pos; });
  for (auto it = first; it != text.tokens.end() && it->original.begin < content.end; ++it) {
    const Token& tok = *it;
    if (tok.kind == TokenKind::kPunctuation || !content.Contains(tok.original)) continue;
    StatementTerm term;
    term.span = tok.original;
    term.written = std::string(Slice(doc.text, tok.original));
    term.key = tok.key;
    term.capitalized = tok.capitalized;
    if (tok.kind == TokenKind::kNumber) {
      term.is_number = true;
      term.number = tok.number;
    } else if (persian) {
      term.forms = MemoCandidates(*persian_, tok.key, 1);
      term.stopword = persian_->IsStopword(tok.key);
      term.skeleton = skeletons_->Persian(tok.key);
    } else {
      term.forms = MemoCandidates(*english_, tok.key, 0);
      // The key spells contractions out ("was not"): function words.
      term.stopword = english_->IsStopword(tok.key) || tok.key.find(' ') != std::string::npos;
      term.skeleton = skeletons_->English(tok.key);
    }
    if (!term.is_number && !term.stopword) ++f.content_words;
    f.terms.push_back(std::move(term));
  }
  const uint32_t n = static_cast<uint32_t>(f.terms.size());
  for (unsigned char c : Slice(doc.text, content)) f.chars += (c & 0xC0) != 0x80;
  auto content_term = [&](uint32_t i) { return !f.terms[i].is_number && !f.terms[i].stopword; };

  if (persian) {
    for (uint32_t i = 0; i < n; ++i) {
      if (!content_term(i)) continue;
      for (const std::string& c : f.terms[i].forms) {
        const uint32_t id = lexicon_->FindWord(c);
        if (id != Lexicon::kNoWord) f.forms.push_back({id, i});
      }
      // ZWNJ/space variance: "نخست وزیر" also answers for نخست‌وزیر. Only the
      // solid spelling and its lemma (lexicon forms), not all inflections: cheap.
      if (i + 1 < n && !f.terms[i + 1].is_number && !f.terms[i + 1].stopword) {
        const uint32_t id = lexicon_->FindWord(f.terms[i].key + f.terms[i + 1].key);
        if (id != Lexicon::kNoWord) f.forms.push_back({id, i});
        if (f.terms[i + 1].forms.size() > 1) {
          const uint32_t lemma = lexicon_->FindWord(f.terms[i].key + f.terms[i + 1].forms[1]);
          if (lemma != Lexicon::kNoWord) f.forms.push_back({lemma, i});
        }
      }
      if (f.terms[i].skeleton.size() >= 3) f.names.push_back({Fnv(f.terms[i].skeleton), i, false});
    }
    std::sort(f.forms.begin(), f.forms.end(), [](const FormRef& a, const FormRef& b) {
      return a.form != b.form ? a.form < b.form : a.term < b.term;
    });
    f.forms.erase(std::unique(f.forms.begin(), f.forms.end(),
                              [](const FormRef& a, const FormRef& b) { return a.form == b.form && a.term == b.term; }),
                  f.forms.end());
  } else {
    std::vector<std::vector<std::string>> forms(n);
    for (uint32_t i = 0; i < n; ++i) {
      if (!f.terms[i].is_number) forms[i] = f.terms[i].forms;
    }
    std::vector<bool> covered(n, false);
    for (const LexiconMatch& m : lexicon_->MatchEnglish(forms)) {
      bool any_content = false, name = true;
      for (uint32_t k = m.begin; k < m.begin + m.length; ++k) any_content |= content_term(k);
      if (!any_content) continue;
      MatchUnit u;
      u.first = m.begin;
      u.last = m.begin + m.length - 1;
      u.key = lexicon_->english(lexicon_->entry(m.entries[0]));
      for (char& c : u.key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      const auto unit = static_cast<uint16_t>(f.units.size());
      const auto first_alt = static_cast<uint32_t>(f.slot_counts.size());
      std::vector<uint32_t> ids(m.entries.begin(), m.entries.end());
      std::stable_sort(ids.begin(), ids.end(), [&](uint32_t a, uint32_t b) {
        return lexicon_->entry(a).weight > lexicon_->entry(b).weight;
      });
      uint8_t alt = 0;
      for (uint32_t id : ids) {
        if (alt >= kMaxAlternatives) break;
        const LexiconEntry& e = lexicon_->entry(id);
        name &= e.pos == PartOfSpeech::kName;
        uint32_t required = 0;
        for (const LexiconSlot& sl : lexicon_->slots(e)) required += !sl.optional;
        if (required == 0 || required > kMaxSlots) continue;
        uint8_t slot = 0;
        for (const LexiconSlot& sl : lexicon_->slots(e)) {
          if (sl.optional) continue;
          // The slot's word or infinitive: Persian terms carry their lemmas.
          f.concepts.push_back({lexicon_->forms(sl)[0], unit, alt, slot});
          ++slot;
        }
        if (e.joined != Lexicon::kNoWord) f.concepts.push_back({e.joined, unit, alt, kJoinedSlot});
        f.slot_counts.push_back(slot);
        ++alt;
      }
      if (alt == 0) continue;
      u.alternatives = (first_alt << 8) | alt;  // (first index << 8) | count
      f.units.push_back(std::move(u));
      for (uint32_t k = m.begin; k < m.begin + m.length; ++k) covered[k] = !name;
    }
    std::sort(f.concepts.begin(), f.concepts.end(),
              [](const ConceptRef& a, const ConceptRef& b) { return a.form < b.form; });
    for (uint32_t i = 0; i < n; ++i) {
      const StatementTerm& t = f.terms[i];
      // Names, and any word the lexicon lacks (loanwords: quarantine ↔ قرنطینه).
      if (content_term(i) && !covered[i] && (t.capitalized ? t.skeleton.size() >= 2 : t.skeleton.size() >= 3)) {
        f.names.push_back({Fnv(t.skeleton), i, false});
      }
    }
  }
  std::sort(f.names.begin(), f.names.end(), [](const KeyRef& a, const KeyRef& b) { return a.key < b.key; });

  // Numbers (digits and number words) and dates, by value.
  for (uint32_t i = 0; i < n; ++i) {
    if (f.terms[i].is_number) f.numbers.push_back({NumberKey(f.terms[i].number), i, false});
  }
  auto term_at = [&](uint32_t begin) -> uint32_t {
    for (uint32_t i = 0; i < n; ++i) {
      if (f.terms[i].span.begin >= begin) return i;
    }
    return n ? n - 1 : 0;
  };
  for (const Quantity& q : text.quantities) {
    if (content.Contains(q.original) && q.token_count > 1 && n > 0) {
      f.numbers.push_back({NumberKey(q.value), term_at(q.original.begin), false});
    }
  }
  for (const CalendarDate& d : text.dates) {
    if (content.Contains(d.original) && d.month > 0 && d.day > 0 && n > 0) {
      f.numbers.push_back({DateKey(d), term_at(d.original.begin), true});
    }
  }
  std::sort(f.numbers.begin(), f.numbers.end(), [](const KeyRef& a, const KeyRef& b) { return a.key < b.key; });
  f.numbers.erase(std::unique(f.numbers.begin(), f.numbers.end(),
                              [](const KeyRef& a, const KeyRef& b) { return a.key == b.key; }),
                  f.numbers.end());

  f.content_weight = 0;
  if (persian) {
    for (uint32_t i = 0; i < n; ++i) f.content_weight += content_term(i) ? f.terms[i].weight : 0;
  } else {
    std::vector<bool> in_unit(n, false);
    for (const MatchUnit& u : f.units) {
      f.content_weight += u.weight;
      for (uint32_t k = u.first; k <= u.last; ++k) in_unit[k] = true;
    }
    for (uint32_t i = 0; i < n; ++i) f.content_weight += content_term(i) && !in_unit[i] ? f.terms[i].weight : 0;
  }

  f.term_weights.resize(n);
  for (uint32_t i = 0; i < n; ++i) f.term_weights[i] = f.terms[i].weight;

  if (!statement.speaker.empty()) {
    auto norm = Normalizer::Default().Normalize(statement.speaker, text.language);
    if (norm.ok()) {
      for (const Token& t : norm->tokens) {
        if (t.kind != TokenKind::kWord) continue;
        if (persian ? persian_->IsStopword(t.key) : (!t.capitalized || english_->IsStopword(t.key))) continue;
        std::string sk = persian ? skeletons_->Persian(t.key) : skeletons_->English(t.key);
        if (sk.size() >= 2) f.speaker_skeletons.push_back(std::move(sk));
      }
    }
  }
  return f;
}

namespace {

// The lemma a statement's term counts under for idf.
std::string_view IdfKey(const StatementTerm& t) { return t.forms.size() > 1 ? t.forms[1] : t.key; }

bool InUnit(const StatementFeatures& f, uint32_t term) {
  for (const MatchUnit& u : f.units) {
    if (term >= u.first && term <= u.last) return true;
  }
  return false;
}

}  // namespace

void Aligner::ComputeIdf(std::vector<StatementFeatures>* english, std::vector<StatementFeatures>* persian) {
  auto idf = [](size_t n, size_t df) {
    return static_cast<float>(std::max(0.1, std::log((n + 1.0) / (df + 0.5))));
  };
  absl::flat_hash_map<std::string, uint32_t> df;
  absl::flat_hash_set<std::string_view> seen;
  for (const StatementFeatures& f : *english) {
    seen.clear();
    for (const MatchUnit& u : f.units) seen.insert(u.key);
    for (uint32_t i = 0; i < f.terms.size(); ++i) {
      if (!f.terms[i].is_number && !f.terms[i].stopword) seen.insert(IdfKey(f.terms[i]));
    }
    for (std::string_view k : seen) ++df[std::string(k)];
  }
  for (StatementFeatures& f : *english) {
    f.content_weight = 0;
    for (MatchUnit& u : f.units) f.content_weight += u.weight = idf(english->size(), df[u.key]);
    for (uint32_t i = 0; i < f.terms.size(); ++i) {
      StatementTerm& t = f.terms[i];
      if (t.is_number || t.stopword) continue;
      const bool in_unit = InUnit(f, i);
      t.weight = idf(english->size(), df[std::string(IdfKey(t))]) * (in_unit || t.capitalized ? 1.0f : kUnknownWeight);
      if (!in_unit) f.content_weight += t.weight;
    }
    for (uint32_t i = 0; i < f.terms.size(); ++i) f.term_weights[i] = f.terms[i].weight;
  }
  df.clear();
  for (const StatementFeatures& f : *persian) {
    seen.clear();
    for (const StatementTerm& t : f.terms) {
      if (!t.is_number && !t.stopword) seen.insert(IdfKey(t));
    }
    for (std::string_view k : seen) ++df[std::string(k)];
  }
  for (StatementFeatures& f : *persian) {
    f.content_weight = 0;
    std::vector<bool> known(f.terms.size(), false);
    for (const FormRef& r : f.forms) known[r.term] = true;
    for (uint32_t i = 0; i < f.terms.size(); ++i) {
      StatementTerm& t = f.terms[i];
      if (t.is_number || t.stopword) continue;
      t.weight = idf(persian->size(), df[std::string(IdfKey(t))]) * (known[i] ? 1.0f : kUnknownWeight);
      f.content_weight += t.weight;
    }
    for (uint32_t i = 0; i < f.terms.size(); ++i) f.term_weights[i] = f.terms[i].weight;
  }
}

double Aligner::Calibrate(double log_odds) const {
  return Logistic(weights_.calibration_scale * log_odds + weights_.calibration_shift);
}

namespace {

// What the pair scorer reads of a Persian statement: views onto its
// StatementFeatures, or onto a packed copy (PackedPersian).
struct PersianSide {
  std::span<const FormRef> forms;
  std::span<const float> term_weights;
  std::span<const KeyRef> names, numbers;
  std::span<const std::string> speaker_skeletons;
  float content_weight = 0;
  uint32_t chars = 0;
  size_t content_words = 0;
};

PersianSide ViewOf(const StatementFeatures& f) {
  return {f.forms, f.term_weights, f.names, f.numbers, f.speaker_skeletons, f.content_weight, f.chars, f.content_words};
}

// The matching both the fast path and the evidence path share.
struct MatchOutcome {
  double en_weight = 0, fa_weight = 0;
  int names = 0, numbers = 0;
  bool en_numbers = false, fa_numbers = false;
};

// Calls fn(a, b) for each key both sorted lists hold, pairing them in order.
template <typename Fn>
void ForEachCommonKey(std::span<const KeyRef> x, std::span<const KeyRef> y, Fn fn) {
  for (size_t a = 0, b = 0; a < x.size() && b < y.size();) {
    if (x[a].key < y[b].key) {
      ++a;
    } else if (y[b].key < x[a].key) {
      ++b;
    } else {
      fn(x[a++], y[b++]);
    }
  }
}

template <typename OnUnit, typename OnName, typename OnNumber>
MatchOutcome MatchPair(const StatementFeatures& en, const PersianSide& fa, OnUnit on_unit, OnName on_name,
                       OnNumber on_number) {
  MatchOutcome out;
  Scratch& s = ThreadScratch();
  if (s.alt_mask.size() < en.slot_counts.size()) s.alt_mask.resize(en.slot_counts.size());
  if (s.unit_matched.size() < en.units.size()) s.unit_matched.resize(en.units.size());
  s.fa_covered.assign(fa.term_weights.size(), 0);
  s.en_name.assign(en.term_weights.size(), 0);
  s.hits.clear();
  s.touched.clear();
  // Concepts × forms, both sorted by form: one merge.
  size_t i = 0, j = 0;
  while (i < en.concepts.size() && j < fa.forms.size()) {
    const uint32_t a = en.concepts[i].form, b = fa.forms[j].form;
    if (a < b) {
      ++i;
    } else if (b < a) {
      ++j;
    } else {
      size_t j_end = j;
      while (j_end < fa.forms.size() && fa.forms[j_end].form == a) ++j_end;
      for (; i < en.concepts.size() && en.concepts[i].form == a; ++i) {
        const ConceptRef& c = en.concepts[i];
        const uint32_t alt = (en.units[c.unit].alternatives >> 8) + c.alternative;
        if (s.alt_mask[alt] == 0) s.touched.push_back(alt);
        s.alt_mask[alt] |= c.slot == kJoinedSlot ? 0xFF : static_cast<uint8_t>(1u << c.slot);
        for (size_t k = j; k < j_end; ++k) s.hits.push_back({alt, fa.forms[k].term, c.slot});
      }
      j = j_end;
    }
  }
  // An alternative matches when all its required slots were seen; a unit
  // counts once, by its first matching alternative.
  std::sort(s.touched.begin(), s.touched.end());
  for (uint32_t alt : s.touched) {
    const uint8_t full = static_cast<uint8_t>((1u << en.slot_counts[alt]) - 1);
    if ((s.alt_mask[alt] & full) != full) {
      s.alt_mask[alt] = 0;
      continue;
    }
    s.alt_mask[alt] = 0xFF;
  }
  // Units in order; an alternative after the unit's first match is dropped.
  for (uint32_t u = 0; u < en.units.size(); ++u) s.unit_matched[u] = 0;
  for (uint32_t alt : s.touched) {
    if (s.alt_mask[alt] != 0xFF) continue;
    // Find the unit of this alternative: units are laid out in order.
    uint32_t lo = 0, hi = static_cast<uint32_t>(en.units.size());
    while (hi - lo > 1) {
      const uint32_t mid = (lo + hi) / 2;
      if ((en.units[mid].alternatives >> 8) <= alt) lo = mid;
      else hi = mid;
    }
    if (s.unit_matched[lo]) {
      s.alt_mask[alt] = 0xFE;  // matched, but its unit already counted
      continue;
    }
    s.unit_matched[lo] = 1;
    out.en_weight += en.units[lo].weight;
    on_unit(lo, alt);
  }
  for (const Scratch::Hit& h : s.hits) {
    if (s.alt_mask[h.alt] != 0xFF || s.fa_covered[h.fa_term]) continue;
    s.fa_covered[h.fa_term] = 1;
    out.fa_weight += fa.term_weights[h.fa_term];
  }
  // Names by skeleton, on terms the lexicon left.
  ForEachCommonKey(en.names, fa.names, [&](const KeyRef& a, const KeyRef& b) {
    if (s.en_name[a.term] || s.fa_covered[b.term]) return;
    s.en_name[a.term] = 1;
    s.fa_covered[b.term] = 1;
    ++out.names;
    out.en_weight += en.term_weights[a.term];
    out.fa_weight += fa.term_weights[b.term];
    on_name(a.term, b.term);
  });
  out.en_numbers = !en.numbers.empty();
  out.fa_numbers = !fa.numbers.empty();
  ForEachCommonKey(en.numbers, fa.numbers, [&](const KeyRef& a, const KeyRef& b) {
    ++out.numbers;
    on_number(a, b);
  });
  return out;
}

// Clears what MatchPair left in the scratch for the next pair.
void ResetScratch() {
  Scratch& s = ThreadScratch();
  for (uint32_t alt : s.touched) s.alt_mask[alt] = 0;
}

int SpeakerAgreement(const StatementFeatures& en, const PersianSide& fa) {
  if (en.speaker_skeletons.empty() || fa.speaker_skeletons.empty()) return 0;
  for (const auto& a : en.speaker_skeletons) {
    for (const auto& b : fa.speaker_skeletons) {
      if (SkeletonsMatch(a, b)) return 1;
    }
  }
  return -1;
}

double PairLogOdds(const ScoreWeights& w, const StatementFeatures& en, const PersianSide& fa, PairFeatures* features) {
  const MatchOutcome m = MatchPair(en, fa, [](uint32_t, uint32_t) {}, [](uint32_t, uint32_t) {},
                                   [](const KeyRef&, const KeyRef&) {});
  ResetScratch();
  PairFeatures p;
  p.coverage_en = en.content_weight > 0 ? std::min(1.0, m.en_weight / en.content_weight) : 0;
  p.coverage_fa = fa.content_weight > 0 ? std::min(1.0, m.fa_weight / fa.content_weight) : 0;
  p.names = m.names;
  p.numbers = m.numbers;
  p.number_conflict = m.en_numbers && m.fa_numbers && m.numbers == 0;
  p.length = std::fabs(std::log((en.content_words + 1.0) / (fa.content_words + 1.0)));
  p.speaker = SpeakerAgreement(en, fa);
  if (en.chars > 0 && fa.chars > 0) {
    const double d = (std::log(double(en.chars) / fa.chars) - w.char_log_mean) / w.char_log_sd;
    p.char_length = std::min(9.0, d * d);
  }
  if (features != nullptr) *features = p;
  return w.bias + w.coverage_en * p.coverage_en + w.coverage_fa * p.coverage_fa +
         w.per_name * std::min(p.names, kMaxCountedNames) + w.per_number * std::min(p.numbers, kMaxCountedNumbers) +
         (p.number_conflict ? w.number_conflict : 0) + w.length * p.length + w.char_length * p.char_length +
         w.speaker * p.speaker;
}

}  // namespace

double Aligner::LogOdds(const StatementFeatures& en, const StatementFeatures& fa, PairFeatures* features) const {
  return PairLogOdds(weights_, en, ViewOf(fa), features);
}

ScoredPair Aligner::Score(const StatementFeatures& en, const StatementFeatures& fa) const {
  ScoredPair pair;
  PairFeatures p;
  pair.log_odds = LogOdds(en, fa, &p);
  pair.score = Calibrate(pair.log_odds);
  const ScoreWeights& w = weights_;
  pair.contributions = {
      {"bias", 1, w.bias},
      {"coverage_en", p.coverage_en, w.coverage_en * p.coverage_en},
      {"coverage_fa", p.coverage_fa, w.coverage_fa * p.coverage_fa},
      {"names", double(p.names), w.per_name * std::min(p.names, kMaxCountedNames)},
      {"numbers", double(p.numbers), w.per_number * std::min(p.numbers, kMaxCountedNumbers)},
      {"number_conflict", p.number_conflict ? 1.0 : 0.0, p.number_conflict ? w.number_conflict : 0},
      {"length", p.length, w.length * p.length},
      {"char_length", p.char_length, w.char_length * p.char_length},
      {"speaker", double(p.speaker), w.speaker * p.speaker},
      {"calibration", w.calibration_scale, (w.calibration_scale - 1) * pair.log_odds + w.calibration_shift}};
  // Evidence: the same matching again, recording what matched.
  const double per_en = en.content_weight > 0 ? w.coverage_en / en.content_weight : 0;
  const double per_fa = fa.content_weight > 0 ? w.coverage_fa / fa.content_weight : 0;
  std::vector<std::pair<uint32_t, uint32_t>> units;   // (unit, alternative)
  int names = 0, numbers = 0;
  MatchPair(
      en, ViewOf(fa), [&](uint32_t u, uint32_t a) { units.emplace_back(u, a); },
      [&](uint32_t et, uint32_t ft) {
        const StatementTerm& t = en.terms[et];
        const StatementTerm& v = fa.terms[ft];
        pair.evidence.push_back({EvidenceKind::kName, t.written, t.span, v.written, v.span,
                                 per_en * t.weight + per_fa * v.weight + (++names <= kMaxCountedNames ? w.per_name : 0)});
      },
      [&](const KeyRef& a, const KeyRef& b) {
        const StatementTerm& t = en.terms[a.term];
        const StatementTerm& v = fa.terms[b.term];
        pair.evidence.push_back({a.date ? EvidenceKind::kDate : EvidenceKind::kNumber, t.written, t.span, v.written,
                                 v.span, ++numbers <= kMaxCountedNumbers ? w.per_number : 0});
      });
  // Lexical items: the unit's English span and, per slot, the first Persian
  // term that satisfied it and no earlier item took.
  Scratch& s = ThreadScratch();
  std::vector<uint8_t> taken(fa.terms.size(), 0);
  for (const auto& [u, a] : units) {
    const MatchUnit& unit = en.units[u];
    Evidence ev;
    ev.kind = EvidenceKind::kLexical;
    ev.english_span = {en.terms[unit.first].span.begin, en.terms[unit.last].span.end};
    ev.english_term = std::string(Slice(en.document_text, ev.english_span));
    ev.weight = per_en * unit.weight;
    uint32_t lo = UINT32_MAX, hi = 0;
    std::vector<uint8_t> slot_done(256, 0);
    for (int pass = 0; pass < 2; ++pass) {   // unused terms first, then any
      for (const Scratch::Hit& h : s.hits) {
        if (h.alt != a || slot_done[h.slot] || (pass == 0 && taken[h.fa_term])) continue;
        slot_done[h.slot] = 1;
        lo = std::min(lo, h.fa_term);
        hi = std::max(hi, h.fa_term);
        if (!taken[h.fa_term]) ev.weight += per_fa * fa.terms[h.fa_term].weight;
        taken[h.fa_term] = 1;
      }
    }
    if (lo == UINT32_MAX) continue;
    ev.persian_span = {fa.terms[lo].span.begin, fa.terms[hi].span.end};
    ev.persian_term = std::string(Slice(fa.document_text, ev.persian_span));
    pair.evidence.push_back(std::move(ev));
  }
  ResetScratch();
  if (p.speaker > 0) {
    const Statement& es = *en.statement;
    const Statement& ps = *fa.statement;
    pair.evidence.push_back({EvidenceKind::kSpeaker, es.speaker,
                             es.speaker_name_span.value_or(es.speaker_span.value_or(Span{})), ps.speaker,
                             ps.speaker_name_span.value_or(ps.speaker_span.value_or(Span{})), w.speaker});
  }
  std::stable_sort(pair.evidence.begin(), pair.evidence.end(),
                   [](const Evidence& a, const Evidence& b) { return a.weight > b.weight; });
  return pair;
}

namespace {

// The k largest values seen, kept in decreasing order, for many keys in
// one array: no allocation per key.
class TopK {
 public:
  TopK(size_t keys, int k) : k_(std::max(k, 0)), values_(keys * k_), counts_(keys, 0) {}

  void Add(size_t key, double v) {
    if (k_ == 0) return;
    double* top = values_.data() + key * k_;
    int n = counts_[key];
    if (n == k_) {
      if (v <= top[k_ - 1]) return;
      --n;
    }
    int at = n;
    while (at > 0 && top[at - 1] < v) {
      top[at] = top[at - 1];
      --at;
    }
    top[at] = v;
    counts_[key] = n + 1;
  }

  // The mean of key's values (0 if none), summed largest first.
  double Mean(size_t key) const {
    const int n = counts_[key];
    if (n == 0) return 0;
    const double* top = values_.data() + key * k_;
    return std::accumulate(top, top + n, 0.0) / n;
  }

 private:
  int k_;
  std::vector<double> values_;
  std::vector<int> counts_;
};

// Mean of the k largest values.
double TopMean(std::vector<double>& v, int k) {
  if (v.empty() || k <= 0) return 0;
  const size_t n = std::min<size_t>(k, v.size());
  std::partial_sort(v.begin(), v.begin() + n, v.end(), std::greater<double>());
  return std::accumulate(v.begin(), v.begin() + n, 0.0) / n;
}

// Statements by form id: one count pass, one fill pass, all postings in one
// array (a form's statements in increasing order, each once).
class PostingsIndex {
 public:
  template <typename Refs>
  PostingsIndex(const std::vector<StatementFeatures>& side, Refs StatementFeatures::*refs, size_t forms)
      : offsets_(forms + 1, 0) {
    auto each = [&](auto fn) {
      for (uint32_t s = 0; s < side.size(); ++s) {
        const auto& list = side[s].*refs;
        for (size_t k = 0; k < list.size(); ++k) {
          // Refs are sorted by form: a statement's repeats are adjacent.
          if ((k == 0 || list[k].form != list[k - 1].form) && list[k].form < forms) fn(list[k].form, s);
        }
      }
    };
    each([&](uint32_t f, uint32_t) { ++offsets_[f + 1]; });
    std::partial_sum(offsets_.begin(), offsets_.end(), offsets_.begin());
    postings_.resize(offsets_.back());
    std::vector<uint32_t> next(offsets_.begin(), offsets_.end() - 1);
    each([&](uint32_t f, uint32_t s) { postings_[next[f]++] = s; });
  }

  std::span<const uint32_t> operator[](uint32_t form) const {
    if (form + 1 >= offsets_.size()) return {};
    return {postings_.data() + offsets_[form], offsets_[form + 1] - offsets_[form]};
  }

 private:
  std::vector<uint32_t> offsets_;
  std::vector<uint32_t> postings_;
};

// Ids of the rarest forms (by postings length) of a statement, into
// *forms; *by_df is scratch, kept by the caller so that nothing allocates
// per statement.
template <typename Refs>
void RarestForms(const Refs& refs, const PostingsIndex& index, size_t k,
                 std::vector<std::pair<uint32_t, uint32_t>>* by_df, std::vector<uint32_t>* forms) {
  by_df->clear();   // (postings, form)
  forms->clear();
  for (size_t r = 0; r < refs.size(); ++r) {
    if (r > 0 && refs[r].form == refs[r - 1].form) continue;
    const size_t df = index[refs[r].form].size();
    if (df > 0) by_df->emplace_back(static_cast<uint32_t>(df), refs[r].form);
  }
  std::sort(by_df->begin(), by_df->end());
  // The k rarest, within a budget of postings; a form in more than
  // kMaxPostings statements only as the first, so that the work per
  // statement stays bounded however large the corpus.
  size_t postings = 0;
  for (const auto& [df, f] : *by_df) {
    if (forms->size() >= k || (!forms->empty() && (df > kMaxPostings || postings + df > kPostingsBudget))) break;
    forms->push_back(f);
    postings += df;
  }
}

// The Persian side as the retrieval scorer reads it, packed: each
// statement's PersianSide followed by its forms, weights, names and
// numbers, all statements in one buffer on huge pages where the kernel
// allows. Past a few thousand statements the features no longer fit in a
// core's cache; one sequential block per statement, fetched ahead of use,
// keeps the per-pair cost from growing with the corpus.
class PackedPersian {
 public:
  explicit PackedPersian(const std::vector<StatementFeatures>& side) : offsets_(side.size() + 1, 0) {
    auto round = [](size_t n) { return (n + 63) & ~size_t{63}; };
    auto bytes = [&](const StatementFeatures& f) {
      return round(sizeof(PersianSide) + f.forms.size() * sizeof(FormRef) + f.term_weights.size() * sizeof(float) +
                   alignof(KeyRef) + (f.names.size() + f.numbers.size()) * sizeof(KeyRef));
    };
    for (size_t j = 0; j < side.size(); ++j) offsets_[j + 1] = offsets_[j] + bytes(side[j]);
    size_ = std::max<size_t>(64, round(offsets_.back()));
    constexpr size_t kHuge = size_t{2} << 20;
    const bool huge = size_ >= kHuge;
    if (huge) size_ = (size_ + kHuge - 1) / kHuge * kHuge;
    buffer_.reset(static_cast<char*>(std::aligned_alloc(huge ? kHuge : 64, size_)));
#ifdef MADV_HUGEPAGE
    if (huge && buffer_ != nullptr) madvise(buffer_.get(), size_, MADV_HUGEPAGE);
#endif
    if (buffer_ == nullptr) throw std::bad_alloc();
    for (size_t j = 0; j < side.size(); ++j) {
      const StatementFeatures& f = side[j];
      char* at = buffer_.get() + offsets_[j];
      PersianSide* view = new (at) PersianSide(ViewOf(f));
      at += sizeof(PersianSide);
      view->forms = {Copy(f.forms, &at), f.forms.size()};
      view->term_weights = {Copy(f.term_weights, &at), f.term_weights.size()};
      at = reinterpret_cast<char*>((reinterpret_cast<uintptr_t>(at) + alignof(KeyRef) - 1) & ~(alignof(KeyRef) - 1));
      view->names = {Copy(f.names, &at), f.names.size()};
      view->numbers = {Copy(f.numbers, &at), f.numbers.size()};
    }
  }

  const PersianSide& operator[](size_t j) const {
    return *std::launder(reinterpret_cast<const PersianSide*>(buffer_.get() + offsets_[j]));
  }

  // Asks for statement j's block (at most 24 cache lines) ahead of use.
  void Prefetch(size_t j) const {
    const char* at = buffer_.get() + offsets_[j];
    const size_t n = std::min<size_t>(offsets_[j + 1] - offsets_[j], 24 * 64);
    for (size_t off = 0; off < n; off += 64) __builtin_prefetch(at + off);
  }

 private:
  template <typename T>
  static const T* Copy(const std::vector<T>& v, char** at) {
    T* out = reinterpret_cast<T*>(*at);
    if (!v.empty()) std::memcpy(out, v.data(), v.size() * sizeof(T));
    *at += v.size() * sizeof(T);
    return out;
  }

  struct Free {
    void operator()(char* p) const { std::free(p); }
  };
  std::vector<size_t> offsets_;
  size_t size_ = 0;
  std::unique_ptr<char, Free> buffer_;
};

template <typename Index>
void Dedupe(Index* index) {
  for (auto& [key, list] : *index) list.erase(std::unique(list.begin(), list.end()), list.end());
}

}  // namespace

Retrieval Aligner::Retrieve(const std::vector<StatementFeatures>& english,
                            const std::vector<StatementFeatures>& persian) const {
  Retrieval out;
  using Clock = std::chrono::steady_clock;
  auto since = [](Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); };
  Clock::time_point phase = Clock::now();
  out.best_persian.assign(english.size(), -1);
  out.best_english.assign(persian.size(), -1);
  // Inverted indexes: form → statements on each side; names and numbers by key.
  const PostingsIndex fa_by_form(persian, &StatementFeatures::forms, lexicon_->word_count());
  const PostingsIndex en_by_form(english, &StatementFeatures::concepts, lexicon_->word_count());
  absl::flat_hash_map<uint64_t, std::vector<uint32_t>> fa_by_key, en_by_key;
  for (uint32_t j = 0; j < persian.size(); ++j) {
    for (const KeyRef& k : persian[j].names) fa_by_key[k.key].push_back(j);
    for (const KeyRef& k : persian[j].numbers) fa_by_key[k.key].push_back(j);
  }
  for (uint32_t i = 0; i < english.size(); ++i) {
    for (const KeyRef& k : english[i].names) en_by_key[k.key].push_back(i);
    for (const KeyRef& k : english[i].numbers) en_by_key[k.key].push_back(i);
  }
  Dedupe(&fa_by_key);
  Dedupe(&en_by_key);
  out.index_ms = since(phase);
  phase = Clock::now();
  // Candidates: for each statement, the statements of the other side that
  // share the most idf mass among its rarest forms, names and numbers (the
  // top kCandidates each way), never all pairs. Each direction's lists sit
  // in one flat array, in statement order within a list.
  using Candidate = std::pair<uint32_t, float>;   // (statement, shared mass)
  const double n_fa = static_cast<double>(persian.size()) + 1, n_en = static_cast<double>(english.size()) + 1;
  const size_t key_limit = std::max<size_t>(20, std::max(english.size(), persian.size()) / 50);
  std::vector<float> acc;
  std::vector<uint32_t> touched, forms;
  std::vector<std::pair<uint32_t, uint32_t>> by_df;
  std::vector<Candidate> top;
  auto by_mass = [](const Candidate& a, const Candidate& b) { return a.second > b.second; };
  // Appends to *out the top kCandidates statements of the other side for one statement.
  auto gather = [&](const auto& refs, const auto& by_form, const std::vector<KeyRef>& names,
                    const std::vector<KeyRef>& numbers, const auto& by_key, double n, size_t size) {
    acc.resize(size, 0);
    auto add = [&](std::span<const uint32_t> list) {
      const float w = static_cast<float>(std::log(n / list.size()));
      for (uint32_t x : list) {
        if (acc[x] == 0) touched.push_back(x);
        acc[x] += w + 1e-3f;
      }
    };
    RarestForms(refs, by_form, kRarestForms, &by_df, &forms);
    for (uint32_t f : forms) add(by_form[f]);
    for (const auto* keys : {&names, &numbers}) {
      for (const KeyRef& k : *keys) {
        auto it = by_key.find(k.key);
        if (it != by_key.end() && it->second.size() <= key_limit) add(it->second);
      }
    }
    top.clear();
    for (uint32_t t : touched) top.emplace_back(t, acc[t]);
    if (top.size() > kCandidates) {
      std::nth_element(top.begin(), top.begin() + kCandidates, top.end(), by_mass);
      top.resize(kCandidates);
    }
    for (uint32_t t : touched) acc[t] = 0;
    touched.clear();
  };
  // English → Persian, each list sorted by Persian statement.
  std::vector<Candidate> en_lists;
  std::vector<uint32_t> en_offsets(english.size() + 1, 0);
  en_lists.reserve(english.size() * kCandidates);
  for (uint32_t i = 0; i < english.size(); ++i) {
    gather(english[i].concepts, fa_by_form, english[i].names, english[i].numbers, fa_by_key, n_fa, persian.size());
    std::sort(top.begin(), top.end());
    en_lists.insert(en_lists.end(), top.begin(), top.end());
    en_offsets[i + 1] = static_cast<uint32_t>(en_lists.size());
  }
  // Persian → English, regrouped by English statement (a counting sort, so
  // each English statement's list stays in Persian statement order).
  std::vector<std::pair<uint32_t, Candidate>> from_fa;   // (english, (persian, mass))
  from_fa.reserve(persian.size() * kCandidates);
  acc.assign(english.size(), 0);
  for (uint32_t j = 0; j < persian.size(); ++j) {
    gather(persian[j].forms, en_by_form, persian[j].names, persian[j].numbers, en_by_key, n_en, english.size());
    for (const auto& [i, mass] : top) from_fa.push_back({i, {j, mass}});
  }
  std::vector<uint32_t> fa_offsets(english.size() + 1, 0);
  for (const auto& [i, c] : from_fa) ++fa_offsets[i + 1];
  std::partial_sum(fa_offsets.begin(), fa_offsets.end(), fa_offsets.begin());
  std::vector<Candidate> fa_lists(from_fa.size());
  {
    std::vector<uint32_t> next(fa_offsets.begin(), fa_offsets.end() - 1);
    for (const auto& [i, c] : from_fa) fa_lists[next[i]++] = c;
  }
  from_fa = {};
  out.candidates_ms = since(phase);
  phase = Clock::now();
  // Score every candidate once.
  const PackedPersian packed(persian);
  std::vector<std::vector<std::pair<uint32_t, double>>> scored(english.size());
  TopK by_persian(persian.size(), weights_.margin_k);
  std::vector<Candidate> c;
  for (uint32_t i = 0; i < english.size(); ++i) {
    // Both directions' candidates, merged (mass summed), at most kCandidates.
    c.clear();
    const Candidate *a = en_lists.data() + en_offsets[i], *a_end = en_lists.data() + en_offsets[i + 1];
    const Candidate *b = fa_lists.data() + fa_offsets[i], *b_end = fa_lists.data() + fa_offsets[i + 1];
    while (a != a_end || b != b_end) {
      if (b == b_end || (a != a_end && a->first < b->first)) {
        c.push_back(*a++);
      } else if (a == a_end || b->first < a->first) {
        c.push_back(*b++);
      } else {
        c.emplace_back(a->first, a->second + b->second);
        ++a;
        ++b;
      }
    }
    if (c.size() > kCandidates) {
      std::nth_element(c.begin(), c.begin() + kCandidates, c.end(), by_mass);
      c.resize(kCandidates);
      std::sort(c.begin(), c.end());  // in statement order: the scorer reads memory in order
    }
    scored[i].reserve(c.size());
    for (size_t k = 0; k < c.size(); ++k) {
      if (k + 4 < c.size()) packed.Prefetch(c[k + 4].first);
      const uint32_t j = c[k].first;
      const double z = PairLogOdds(weights_, english[i], packed[j], nullptr);
      scored[i].emplace_back(j, z);
      by_persian.Add(j, z);
    }
    out.candidate_pairs += c.size();
  }
  out.scoring_ms = since(phase);
  phase = Clock::now();
  // Margin: a pair's score against the mean of each side's k best competitors.
  std::vector<double> r_en(english.size()), r_fa(persian.size()), tmp;
  for (uint32_t j = 0; j < persian.size(); ++j) r_fa[j] = by_persian.Mean(j);
  for (uint32_t i = 0; i < english.size(); ++i) {
    tmp.clear();
    for (const auto& [j, z] : scored[i]) tmp.push_back(z);
    r_en[i] = TopMean(tmp, weights_.margin_k);
  }
  std::vector<double> best_fa_margin(persian.size(), -1e300);
  for (uint32_t i = 0; i < english.size(); ++i) {
    double best = -1e300;
    for (const auto& [j, z] : scored[i]) {
      const double m = 2 * z - r_en[i] - r_fa[j];
      if (m > best) {
        best = m;
        out.best_persian[i] = j;
      }
      if (m > best_fa_margin[j]) {
        best_fa_margin[j] = m;
        out.best_english[j] = i;
      }
    }
  }
  out.margin_ms = since(phase);
  return out;
}

Alignment Aligner::AlignDocuments(const std::vector<StatementFeatures>& english_in,
                                  const std::vector<StatementFeatures>& persian_in, double min_score) const {
  std::vector<StatementFeatures> english = english_in, persian = persian_in;
  ComputeIdf(&english, &persian);
  const size_t ne = english.size(), nf = persian.size();
  std::vector<double> z(ne * nf);
  std::vector<PairFeatures> pf(ne * nf);
  for (size_t i = 0; i < ne; ++i) {
    for (size_t j = 0; j < nf; ++j) z[i * nf + j] = LogOdds(english[i], persian[j], &pf[i * nf + j]);
  }
  // Margin against each side's nearest competitors (none when a side has one statement).
  std::vector<double> r_en(ne, 0), r_fa(nf, 0), tmp;
  const int k = weights_.margin_k;
  for (size_t i = 0; i < ne && nf > 1; ++i) {
    tmp.assign(z.begin() + i * nf, z.begin() + (i + 1) * nf);
    r_en[i] = TopMean(tmp, k);
  }
  for (size_t j = 0; j < nf && ne > 1; ++j) {
    tmp.clear();
    for (size_t i = 0; i < ne; ++i) tmp.push_back(z[i * nf + j]);
    r_fa[j] = TopMean(tmp, k);
  }
  struct Cand {
    size_t i, j;
    double margin;
  };
  std::vector<Cand> cands;
  for (size_t i = 0; i < ne; ++i) {
    for (size_t j = 0; j < nf; ++j) {
      if (Calibrate(z[i * nf + j]) < min_score) continue;
      const double m = (ne > 1 && nf > 1) ? 2 * z[i * nf + j] - r_en[i] - r_fa[j] : z[i * nf + j];
      cands.push_back({i, j, m});
    }
  }
  // A globally consistent one-to-one assignment: best margin first.
  std::stable_sort(cands.begin(), cands.end(), [](const Cand& a, const Cand& b) { return a.margin > b.margin; });
  std::vector<int64_t> en_link(ne, -1), fa_link(nf, -1);
  std::vector<std::pair<size_t, size_t>> links;
  for (const Cand& c : cands) {
    if (en_link[c.i] >= 0 || fa_link[c.j] >= 0) continue;
    en_link[c.i] = static_cast<int64_t>(c.j);
    fa_link[c.j] = static_cast<int64_t>(c.i);
    links.emplace_back(c.i, c.j);
  }
  // One-to-two: a statement left over whose content a linked statement of
  // the other side covers (that one merged two sentences), scored on the
  // left-over statement's own coverage.
  const ScoreWeights& w = weights_;
  auto partial = [&](const PairFeatures& p, double covered_side) {
    return w.bias + (w.coverage_en + w.coverage_fa) * covered_side + w.per_name * std::min(p.names, kMaxCountedNames) +
           w.per_number * std::min(p.numbers, kMaxCountedNumbers);
  };
  auto link_leftovers = [&](size_t left, size_t other, std::vector<int64_t>* left_link,
                            const std::vector<int64_t>& other_link, auto pf_at, bool persian_left) {
    for (size_t l = 0; l < left; ++l) {
      if ((*left_link)[l] >= 0) continue;
      size_t best = other;
      double best_z = -1e300;
      for (size_t o = 0; o < other; ++o) {
        const PairFeatures& p = pf_at(l, o);
        const double covered = persian_left ? p.coverage_fa : p.coverage_en;
        const double extra = persian_left ? p.coverage_en : p.coverage_fa;
        if (other_link[o] < 0 || extra < 0.2) continue;
        const double zp = partial(p, covered);
        if (zp > best_z) {
          best_z = zp;
          best = o;
        }
      }
      if (best < other && Calibrate(best_z) >= std::max(min_score, 0.5)) {
        (*left_link)[l] = static_cast<int64_t>(best);
        links.emplace_back(persian_left ? best : l, persian_left ? l : best);
      }
    }
  };
  link_leftovers(nf, ne, &fa_link, en_link, [&](size_t j, size_t i) -> const PairFeatures& { return pf[i * nf + j]; }, true);
  link_leftovers(ne, nf, &en_link, fa_link, [&](size_t i, size_t j) -> const PairFeatures& { return pf[i * nf + j]; }, false);
  Alignment out;
  for (const auto& [i, j] : links) {
    ScoredPair p = Score(english[i], persian[j]);
    p.english = i;
    p.persian = j;
    out.pairs.push_back(std::move(p));
  }
  std::stable_sort(out.pairs.begin(), out.pairs.end(),
                   [](const ScoredPair& a, const ScoredPair& b) { return a.score > b.score; });
  for (size_t i = 0; i < ne; ++i) {
    if (en_link[i] < 0) out.unmatched_english.push_back(i);
  }
  for (size_t j = 0; j < nf; ++j) {
    if (fa_link[j] < 0) out.unmatched_persian.push_back(j);
  }
  return out;
}

}  // namespace quotematch
