#include "align/lexicon_tools.h"

#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "base/strings.h"
#include "normalize/normalizer.h"

namespace quotematch {
namespace {

bool HasLetter(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c & 0x80); });
}

// Prefixes written with a hyphen (non-profit, re-elect, pre-war): bound, not words.
bool IsBoundPrefix(std::string_view w) {
  for (std::string_view p : {"non", "re", "pre", "post", "de", "co", "anti", "inter", "intra", "micro", "macro",
                             "multi", "semi", "sub", "ex", "mid", "pro", "counter", "trans", "ultra", "neo", "pan",
                             "mini", "mega", "bi", "tri", "quasi", "pseudo", "proto"}) {
    if (w == p) return true;
  }
  return false;
}

bool EndsSentence(std::string_view punct) {
  return punct == "." || punct == "!" || punct == "?" || punct == ":" || punct == ";" || punct == "\"" ||
         punct == "(" || punct == "«";
}

struct EnglishToken {
  std::string key;
  bool content = false;       // not a stopword, name or number
  bool initial = false;       // first word of a sentence
  bool capitalized = false;
  bool word = false;          // a word with letters (not a number, URL, ...)
};

// Tokens of a line; names are told from content words by capitals: a
// capitalized word inside a sentence is a name, and one that starts a
// sentence is a name when the text only ever writes it capitalized.
struct EnglishText {
  std::vector<std::vector<EnglishToken>> lines;
  absl::flat_hash_set<std::string> capitalized_inside, lower_case;

  EnglishText(const Aligner& aligner, const std::vector<std::string>& text) {
    for (const std::string& line : text) {
      std::vector<EnglishToken>& out = lines.emplace_back();
      auto n = Normalizer::Default().Normalize(line, Language::kEnglish);
      if (!n.ok()) continue;
      bool initial = true;
      for (size_t k = 0; k < n->tokens.size(); ++k) {
        const Token& t = n->tokens[k];
        if (t.kind == TokenKind::kPunctuation) {
          initial |= EndsSentence(t.key);
          continue;
        }
        const bool hyphen_next = k + 1 < n->tokens.size() && n->tokens[k + 1].key == "-" &&
                                 n->tokens[k + 1].original.begin == t.original.end;
        // The key spells contractions out ("wasn't" → "was not"): a word each.
        for (std::string_view part : Split(t.key, ' ', /*skip_empty=*/true)) {
          // A word: letters, no digits (km2, covid-19 pieces are numbers), more
          // than one letter, not a bound prefix.
          const bool word = t.kind == TokenKind::kWord && HasLetter(part) && part.size() > 1 &&
                            part.find_first_of("0123456789") == std::string_view::npos &&
                            !(hyphen_next && IsBoundPrefix(part));
          EnglishToken e{std::string(part), false, initial, t.capitalized, word};
          initial = false;
          if (e.word && !aligner.english().IsStopword(e.key)) {
            if (!e.capitalized) lower_case.insert(e.key);
            else if (!e.initial) capitalized_inside.insert(e.key);
          }
          out.push_back(std::move(e));
        }
      }
    }
    for (std::vector<EnglishToken>& line : lines) {
      for (EnglishToken& e : line) {
        const bool name = e.capitalized && (!e.initial || (capitalized_inside.contains(e.key) &&
                                                           !lower_case.contains(e.key)));
        e.content = e.word && !name && !aligner.english().IsStopword(e.key);
      }
    }
  }
};

// Persian forms of a line: every token's candidates, and those of each
// token joined to the next (ZWNJ/space variance: رئیس جمهور ↔ رئیس‌جمهور).
absl::flat_hash_set<std::string> PersianForms(const Aligner& aligner, std::string_view line) {
  absl::flat_hash_set<std::string> out;
  auto n = Normalizer::Default().Normalize(line, Language::kPersian);
  if (!n.ok()) return out;
  const PersianStemmer& fa = aligner.persian();
  std::vector<std::string> words;
  for (const Token& t : n->tokens) {
    if (t.kind == TokenKind::kWord || t.kind == TokenKind::kNumber) words.push_back(t.key);
  }
  for (size_t i = 0; i < words.size(); ++i) {
    for (std::string& c : fa.Candidates(words[i])) out.insert(std::move(c));
    if (i + 1 < words.size()) {
      for (std::string& c : fa.Candidates(words[i] + words[i + 1])) out.insert(std::move(c));
    }
  }
  return out;
}

bool PersianSideFound(const Lexicon& lex, const LexiconEntry& e, const absl::flat_hash_set<std::string>& forms) {
  if (e.joined != Lexicon::kNoWord && forms.contains(AsAbsl(lex.word(e.joined)))) return true;
  bool any = false;
  for (const LexiconSlot& slot : lex.slots(e)) {
    if (slot.optional) continue;
    any = true;
    bool found = false;
    for (uint32_t f : lex.forms(slot)) found |= forms.contains(AsAbsl(lex.word(f)));
    if (!found) return false;
  }
  return any;
}

std::string OovCategory(const EnglishToken& t, const std::string& lemma) {
  auto ends = [&](std::initializer_list<std::string_view> suffixes) {
    return std::any_of(suffixes.begin(), suffixes.end(), [&](std::string_view s) { return EndsWith(lemma, s); });
  };
  if (std::any_of(lemma.begin(), lemma.end(), [](char c) { return c >= '0' && c <= '9'; })) return "oov: word with digits";
  if (lemma.find('-') != std::string::npos) return "oov: hyphenated compound";
  if ((lemma[0] & 0x80) != 0) return "oov: non-ASCII word";
  if (ends({"ly"})) return "oov: adverb in -ly";
  if (ends({"tion", "sion", "ment", "ness", "ity", "ance", "ence", "ism", "ship", "hood"})) return "oov: derived noun (-tion, -ment, -ness, -ity, ...)";
  if (ends({"er", "or", "ist", "ian", "ant", "ent"})) return "oov: agent noun or adjective (-er, -or, -ist, -ant, ...)";
  if (ends({"al", "ous", "ive", "able", "ible", "ic", "ful", "less", "ary", "ish"})) return "oov: derived adjective (-al, -ous, -ive, -able, ...)";
  if (ends({"ing", "ed"})) return "oov: -ing/-ed form not reduced to a known lemma";
  if (t.initial) return "oov: sentence-initial word";
  if (lemma.size() <= 3) return "oov: short word (3 letters or fewer)";
  return "oov: other word";
}

}  // namespace

std::vector<std::string> EnglishContentLemmas(const Aligner& aligner, std::string_view line) {
  std::vector<std::string> out;
  EnglishText text(aligner, {std::string(line)});
  for (const EnglishToken& t : text.lines[0]) {
    if (t.content) out.push_back(aligner.english().Lemma(t.key));
  }
  return out;
}

std::vector<std::string> PersianContentLemmas(const Aligner& aligner, std::string_view line) {
  std::vector<std::string> out;
  auto n = Normalizer::Default().Normalize(line, Language::kPersian);
  if (!n.ok()) return out;
  for (const Token& t : n->tokens) {
    if (t.kind != TokenKind::kWord || t.script != Script::kArabic || aligner.persian().IsStopword(t.key)) continue;
    std::string lemma = aligner.persian().Lemma(t.key);
    if (!aligner.persian().IsStopword(lemma)) out.push_back(std::move(lemma));
  }
  return out;
}

CoverageReport Coverage(const Aligner& aligner, const std::vector<std::string>& english,
                        const std::vector<std::string>& persian) {
  CoverageReport r;
  const Lexicon& lex = aligner.lexicon();
  absl::flat_hash_map<std::string, size_t> misses;
  const size_t n = std::min(english.size(), persian.size());
  const EnglishText text(aligner, std::vector<std::string>(english.begin(), english.begin() + n));
  for (size_t line = 0; line < n; ++line) {
    ++r.lines;
    const std::vector<EnglishToken>& tokens = text.lines[line];
    std::vector<std::vector<std::string>> forms;
    for (const EnglishToken& t : tokens) forms.push_back(aligner.english().Candidates(t.key));
    std::vector<const LexiconMatch*> cover(tokens.size(), nullptr);
    std::vector<LexiconMatch> matches = lex.MatchEnglish(forms);
    for (const LexiconMatch& m : matches) {
      for (uint32_t k = m.begin; k < m.begin + m.length; ++k) cover[k] = &m;
    }
    const absl::flat_hash_set<std::string> fa = PersianForms(aligner, persian[line]);
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (!tokens[i].content) continue;
      ++r.content_tokens;
      // A single-word entry for the token itself also counts when a phrase covered it and missed.
      std::vector<std::span<const uint32_t>> options;
      if (cover[i] != nullptr) options.push_back(cover[i]->entries);
      for (const std::string& f : forms[i]) {
        std::span<const uint32_t> alone = lex.EnglishEntries(std::span<const std::string>(&f, 1));
        if (!alone.empty()) options.push_back(alone);
      }
      if (options.empty()) {
        ++misses[OovCategory(tokens[i], aligner.english().Lemma(tokens[i].key))];
        continue;
      }
      ++r.with_entry;
      bool hit = false;
      const LexiconEntry* first = nullptr;
      for (std::span<const uint32_t> ids : options) {
        for (uint32_t id : ids) {
          const LexiconEntry& e = lex.entry(id);
          if (first == nullptr) first = &e;
          if (PersianSideFound(lex, e, fa)) {
            hit = true;
            break;
          }
        }
        if (hit) break;
      }
      if (hit) {
        ++r.hits;
      } else {
        ++misses[StrCat("miss: ", PartOfSpeechName(first->pos), first->word_count > 1 ? " phrase" : "",
                        " entry, no translation of it in the Persian line")];
      }
    }
  }
  r.misses.assign(misses.begin(), misses.end());
  std::sort(r.misses.begin(), r.misses.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  return r;
}

std::vector<Proposal> TrainModel1(const Aligner& aligner, const std::vector<std::string>& english,
                                  const std::vector<std::string>& persian, const TrainOptions& options) {
  // Vocabularies and sentences as ids; id 0 on each side is NULL.
  std::vector<std::string> en_words{""}, fa_words{""};
  absl::flat_hash_map<std::string, uint32_t> en_ids, fa_ids;
  auto intern = [](std::vector<std::string>* words, absl::flat_hash_map<std::string, uint32_t>* ids,
                   const std::string& w) {
    auto [it, added] = ids->try_emplace(w, static_cast<uint32_t>(words->size()));
    if (added) words->push_back(w);
    return it->second;
  };
  std::vector<std::vector<uint32_t>> en_sent, fa_sent;
  for (size_t i = 0; i < english.size() && i < persian.size(); ++i) {
    std::vector<uint32_t> e{0}, f{0};
    for (const std::string& w : EnglishContentLemmas(aligner, english[i])) e.push_back(intern(&en_words, &en_ids, w));
    for (const std::string& w : PersianContentLemmas(aligner, persian[i])) f.push_back(intern(&fa_words, &fa_ids, w));
    en_sent.push_back(std::move(e));
    fa_sent.push_back(std::move(f));
  }
  // t[src][tgt] for one direction: P(target word | source word).
  using Table = absl::flat_hash_map<uint64_t, double>;
  auto key = [](uint32_t a, uint32_t b) { return (uint64_t{a} << 32) | b; };
  auto train = [&](const std::vector<std::vector<uint32_t>>& src, const std::vector<std::vector<uint32_t>>& tgt) {
    Table t;
    for (size_t s = 0; s < src.size(); ++s) {
      for (uint32_t a : src[s]) {
        for (size_t j = 1; j < tgt[s].size(); ++j) t[key(a, tgt[s][j])] = 1.0;
      }
    }
    for (int it = 0; it < options.iterations; ++it) {
      Table count;
      absl::flat_hash_map<uint32_t, double> total;
      for (size_t s = 0; s < src.size(); ++s) {
        for (size_t j = 1; j < tgt[s].size(); ++j) {
          const uint32_t b = tgt[s][j];
          double z = 0;
          for (uint32_t a : src[s]) z += t[key(a, b)];
          for (uint32_t a : src[s]) {
            const double c = t[key(a, b)] / z;
            count[key(a, b)] += c;
            total[a] += c;
          }
        }
      }
      for (auto& [k, v] : t) v = count[k] / total[static_cast<uint32_t>(k >> 32)];
    }
    return t;
  };
  const Table fe = train(en_sent, fa_sent);   // t(f|e)
  const Table ef = train(fa_sent, en_sent);   // t(e|f)
  // Best translation each way; keep the pairs both directions agree on.
  absl::flat_hash_map<uint32_t, std::pair<uint32_t, double>> best_f, best_e;
  for (const auto& [k, p] : fe) {
    const auto e = static_cast<uint32_t>(k >> 32), f = static_cast<uint32_t>(k);
    if (e == 0) continue;
    auto& b = best_f[e];
    if (p > b.second || (p == b.second && f < b.first)) b = {f, p};
  }
  for (const auto& [k, p] : ef) {
    const auto f = static_cast<uint32_t>(k >> 32), e = static_cast<uint32_t>(k);
    if (f == 0) continue;
    auto& b = best_e[f];
    if (p > b.second || (p == b.second && e < b.first)) b = {e, p};
  }
  absl::flat_hash_map<uint64_t, int> cooccur;
  absl::flat_hash_map<uint32_t, int> en_count, fa_count;
  for (size_t s = 0; s < en_sent.size(); ++s) {
    absl::flat_hash_set<uint32_t> es(en_sent[s].begin() + 1, en_sent[s].end()), fs(fa_sent[s].begin() + 1, fa_sent[s].end());
    for (uint32_t e : es) ++en_count[e];
    for (uint32_t f : fs) ++fa_count[f];
    for (uint32_t e : es) {
      for (uint32_t f : fs) ++cooccur[key(e, f)];
    }
  }
  const Lexicon& lex = aligner.lexicon();
  std::vector<Proposal> out;
  for (const auto& [e, bf] : best_f) {
    const uint32_t f = bf.first;
    auto be = best_e.find(f);
    if (be == best_e.end() || be->second.first != e) continue;
    if (en_count[e] < options.min_count || fa_count[f] < options.min_count) continue;
    if (bf.second < options.min_probability || be->second.second < options.min_probability) continue;
    Proposal p;
    p.english = en_words[e];
    p.persian = fa_words[f];
    p.p_fe = bf.second;
    p.p_ef = be->second.second;
    p.count = cooccur[key(e, f)];
    bool verb = false;
    for (const WordAnalysis& a : aligner.persian().Analyze(p.persian)) verb |= a.verb && a.lemma == p.persian;
    p.pos = verb || (EndsWith(p.persian, "ن") && !aligner.persian().VerbStems(p.persian).empty() &&
                     aligner.persian().Known(p.persian.substr(0, p.persian.size() - 2)))
                ? "verb" : "noun";
    for (uint32_t id : lex.EnglishEntries(std::span<const std::string>(&p.english, 1))) {
      for (const LexiconSlot& slot : lex.slots(lex.entry(id))) {
        for (uint32_t w : lex.forms(slot)) p.known |= lex.word(w) == p.persian;
      }
    }
    out.push_back(std::move(p));
  }
  std::sort(out.begin(), out.end(), [](const Proposal& a, const Proposal& b) {
    const double x = a.p_fe * a.p_ef, y = b.p_fe * b.p_ef;
    return x != y ? x > y : a.english < b.english;
  });
  return out;
}

}  // namespace quotematch
