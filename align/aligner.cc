#include "align/aligner.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "base/strings.h"
#include "base/status_macros.h"
#include "normalize/normalizer.h"
#include "qm_data.h"

namespace quotematch {
namespace {

constexpr int kMaxCountedNames = 3;
constexpr int kMaxCountedNumbers = 3;

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
      term.forms = persian_->Candidates(tok.key);
      term.stopword = persian_->IsStopword(tok.key);
      term.skeleton = skeletons_->Persian(tok.key);
    } else {
      term.forms = english_->Candidates(tok.key);
      term.stopword = english_->IsStopword(tok.key);
      term.skeleton = skeletons_->English(tok.key);
    }
    if (!term.is_number && !term.stopword) ++f.content_words;
    f.terms.push_back(std::move(term));
  }
  if (persian) {
    for (uint32_t i = 0; i < f.terms.size(); ++i) {
      const StatementTerm& t = f.terms[i];
      if (t.is_number) continue;
      for (const std::string& form : t.forms) f.form_index.emplace(form, i);
      // ZWNJ/space variance: "نخست وزیر" also answers for نخستوزیر.
      if (i + 1 < f.terms.size() && !f.terms[i + 1].is_number) {
        for (const std::string& form : persian_->Candidates(t.key + f.terms[i + 1].key)) {
          f.form_index.emplace(form, i);
        }
      }
    }
  }
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

ScoredPair Aligner::Score(const StatementFeatures& en, const StatementFeatures& fa) const {
  ScoredPair pair;
  const ScoreWeights& w = weights_;
  std::vector<bool> en_done(en.terms.size(), false), fa_used(fa.terms.size(), false);
  const double per_en = en.content_words ? w.coverage_en / en.content_words : 0;
  const double per_fa = fa.content_words ? w.coverage_fa / fa.content_words : 0;
  double covered_en = 0, covered_fa = 0;
  int names = 0, numbers = 0;
  bool en_has_numbers = false, fa_has_numbers = false;

  // Lexical matches, longest English phrase first at each position.
  std::vector<uint32_t> hits;
  for (size_t i = 0; i < en.terms.size(); ++i) {
    const StatementTerm& t = en.terms[i];
    if (t.is_number || t.stopword || en_done[i]) continue;
    bool matched = false;
    for (const std::string& form : t.forms) {
      for (uint32_t id : lexicon_->EntriesStartingWith(form)) {
        const LexiconEntry& e = lexicon_->entry(id);
        const auto words = lexicon_->english_words(e);
        const size_t n = words.size();
        if (i + n > en.terms.size()) continue;
        bool phrase = true;
        for (size_t k = 1; k < n && phrase; ++k) {
          const auto& forms = en.terms[i + k].forms;
          phrase = !en_done[i + k] &&
                   std::find(forms.begin(), forms.end(), lexicon_->word(words[k])) != forms.end();
        }
        if (!phrase) continue;
        hits.clear();
        size_t required = 0;
        for (const LexiconSlot& slot : lexicon_->slots(e)) {
          if (slot.optional) continue;
          ++required;
          bool found = false;
          for (uint32_t alt : lexicon_->forms(slot)) {
            auto it = fa.form_index.find(AsAbsl(lexicon_->word(alt)));
            if (it != fa.form_index.end() && !fa_used[it->second]) {
              hits.push_back(it->second);
              found = true;
              break;
            }
          }
          if (!found) break;
        }
        if (hits.size() != required && e.joined != Lexicon::kNoWord) {
          auto it = fa.form_index.find(AsAbsl(lexicon_->word(e.joined)));
          hits.clear();
          if (it != fa.form_index.end() && !fa_used[it->second]) {
            hits.push_back(it->second);
            required = 1;
          }
        }
        if (hits.size() != required || required == 0) continue;
        Evidence ev;
        ev.kind = EvidenceKind::kLexical;
        ev.english_span = {en.terms[i].span.begin, en.terms[i + n - 1].span.end};
        ev.english_term = std::string(Slice(en.document_text, ev.english_span));
        uint32_t lo = *std::min_element(hits.begin(), hits.end());
        uint32_t hi = *std::max_element(hits.begin(), hits.end());
        ev.persian_span = {fa.terms[lo].span.begin, fa.terms[hi].span.end};
        ev.persian_term = std::string(Slice(fa.document_text, ev.persian_span));
        for (size_t k = 0; k < n; ++k) {
          en_done[i + k] = true;
          if (!en.terms[i + k].stopword) {
            covered_en += 1;
            ev.weight += per_en;
          }
        }
        for (uint32_t h : hits) {
          if (fa_used[h]) continue;
          fa_used[h] = true;
          if (!fa.terms[h].stopword) {
            covered_fa += 1;
            ev.weight += per_fa;
          }
        }
        pair.evidence.push_back(std::move(ev));
        matched = true;
        break;
      }
      if (matched) break;
    }
  }

  // Names by transliteration skeleton.
  for (size_t i = 0; i < en.terms.size(); ++i) {
    const StatementTerm& t = en.terms[i];
    if (t.is_number) en_has_numbers = true;
    if (en_done[i] || t.is_number || t.stopword || !t.capitalized || t.skeleton.size() < 2) continue;
    for (size_t j = 0; j < fa.terms.size(); ++j) {
      const StatementTerm& u = fa.terms[j];
      if (fa_used[j] || u.is_number || u.stopword || !SkeletonsMatch(t.skeleton, u.skeleton)) continue;
      en_done[i] = fa_used[j] = true;
      covered_en += 1;
      covered_fa += 1;
      ++names;
      Evidence ev{EvidenceKind::kName, t.written, t.span, u.written, u.span,
                  per_en + per_fa + (names <= kMaxCountedNames ? w.per_name : 0)};
      pair.evidence.push_back(std::move(ev));
      break;
    }
  }

  // Numbers by value.
  for (size_t j = 0; j < fa.terms.size(); ++j) fa_has_numbers |= fa.terms[j].is_number;
  for (size_t i = 0; i < en.terms.size(); ++i) {
    const StatementTerm& t = en.terms[i];
    if (!t.is_number) continue;
    for (size_t j = 0; j < fa.terms.size(); ++j) {
      const StatementTerm& u = fa.terms[j];
      if (fa_used[j] || !u.is_number || std::fabs(u.number - t.number) > 1e-9) continue;
      fa_used[j] = true;
      ++numbers;
      pair.evidence.push_back({EvidenceKind::kNumber, t.written, t.span, u.written, u.span,
                               numbers <= kMaxCountedNumbers ? w.per_number : 0});
      break;
    }
  }

  // Speakers.
  double speaker = 0;
  if (!en.speaker_skeletons.empty() && !fa.speaker_skeletons.empty()) {
    speaker = -1;
    for (const auto& a : en.speaker_skeletons) {
      for (const auto& b : fa.speaker_skeletons) {
        if (SkeletonsMatch(a, b)) speaker = 1;
      }
    }
    const Statement& es = *en.statement;
    const Statement& ps = *fa.statement;
    Evidence ev{EvidenceKind::kSpeaker, es.speaker, es.speaker_span.value_or(Span{}), ps.speaker,
                ps.speaker_span.value_or(Span{}), speaker * w.speaker};
    if (speaker > 0) pair.evidence.push_back(std::move(ev));
  }

  double z = w.bias + w.coverage_en * (en.content_words ? covered_en / en.content_words : 0) +
             w.coverage_fa * (fa.content_words ? covered_fa / fa.content_words : 0) +
             w.per_name * std::min(names, kMaxCountedNames) +
             w.per_number * std::min(numbers, kMaxCountedNumbers) + w.speaker * speaker;
  if (en_has_numbers && fa_has_numbers && numbers == 0) z += w.number_conflict;
  pair.score = Logistic(z);
  std::stable_sort(pair.evidence.begin(), pair.evidence.end(),
                   [](const Evidence& a, const Evidence& b) { return a.weight > b.weight; });
  return pair;
}

Alignment Aligner::AlignDocuments(const std::vector<StatementFeatures>& english,
                                  const std::vector<StatementFeatures>& persian,
                                  double min_score) const {
  std::vector<ScoredPair> candidates;
  for (size_t i = 0; i < english.size(); ++i) {
    for (size_t j = 0; j < persian.size(); ++j) {
      ScoredPair p = Score(english[i], persian[j]);
      if (p.score < min_score) continue;
      p.english = i;
      p.persian = j;
      candidates.push_back(std::move(p));
    }
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const ScoredPair& a, const ScoredPair& b) { return a.score > b.score; });
  Alignment out;
  std::vector<bool> en_taken(english.size(), false), fa_taken(persian.size(), false);
  for (ScoredPair& p : candidates) {
    if (en_taken[p.english] || fa_taken[p.persian]) continue;
    en_taken[p.english] = fa_taken[p.persian] = true;
    out.pairs.push_back(std::move(p));
  }
  for (size_t i = 0; i < english.size(); ++i) {
    if (!en_taken[i]) out.unmatched_english.push_back(i);
  }
  for (size_t j = 0; j < persian.size(); ++j) {
    if (!fa_taken[j]) out.unmatched_persian.push_back(j);
  }
  return out;
}

}  // namespace quotematch
