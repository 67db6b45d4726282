#include "align/lexicon.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "base/strings.h"
#include "base/tsv.h"
#include "base/utf8.h"
#include "normalize/normalizer.h"
#include "normalize/unicode.h"

namespace quotematch {
namespace {

constexpr std::string_view kPartsOfSpeech[] = {"noun", "verb", "adj", "adv", "prep",
                                               "pron", "num",  "name", "conj", "det"};

// Light verbs of Persian compound verbs, in match-key form.
constexpr std::string_view kLightVerbs[] = {"کردن", "شدن", "دادن", "داشتن", "زدن",
                                            "گرفتن", "بودن", "نمودن", "گشتن", "ساختن",
                                            "یافتن", "آوردن", "گذاشتن", "رساندن", "رسیدن",
                                            "قرار"};

bool HasArabicLetter(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    char32_t c = DecodeUtf8(s, &i);
    if (unicode::IsArabicScript(c) && unicode::IsLetter(c)) return true;
  }
  return false;
}

bool IsLightVerb(std::string_view w) {
  return std::find(std::begin(kLightVerbs), std::end(kLightVerbs), w) != std::end(kLightVerbs);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Lexicon>> Lexicon::Load(std::string_view tsv, std::string_view file,
                                                       const PersianStemmer& stemmer) {
  std::unique_ptr<Lexicon> lex(new Lexicon());
  const Normalizer& normalizer = Normalizer::Default();
  absl::flat_hash_set<std::string> seen;
  absl::Status status = ForEachTsvRecord(tsv, file, 3, 5, [&](const TsvRecord& r) -> absl::Status {
    LexiconEntry e;
    e.english = std::string(r.fields[0]);
    e.persian = std::string(r.fields[1]);
    e.pos = std::string(r.fields[2]);
    if (std::find(std::begin(kPartsOfSpeech), std::end(kPartsOfSpeech), e.pos) ==
        std::end(kPartsOfSpeech)) {
      return r.Error(StrCat("unknown part of speech '", e.pos, "'"));
    }
    double weight = 1.0;
    if (r.fields.size() == 5 && (!ParseDouble(r.fields[4], &weight) || weight <= 0 || weight > 1)) {
      return r.Error(StrCat("weight must be in (0, 1], got '", r.fields[4], "'"));
    }
    e.weight = static_cast<float>(weight);
    if (HasArabicLetter(e.english)) return r.Error("English side has Arabic-script letters");
    if (!HasArabicLetter(e.persian)) return r.Error("Persian side has no Arabic-script letters");
    if (!seen.insert(StrCat(e.english, "\t", e.persian, "\t", e.pos)).second) {
      return r.Error(StrCat("duplicate entry '", e.english, "' ↔ '", e.persian, "'"));
    }
    auto en = normalizer.Normalize(e.english, Language::kEnglish);
    auto fa = normalizer.Normalize(e.persian, Language::kPersian);
    if (!en.ok() || !fa.ok()) return r.Error("cannot normalize entry");
    for (const Token& t : en->tokens) {
      if (t.kind == TokenKind::kWord) e.english_words.push_back(t.key);
    }
    std::vector<std::string> fa_words;
    for (const Token& t : fa->tokens) {
      if (t.kind == TokenKind::kWord) fa_words.push_back(t.key);
    }
    if (e.english_words.empty() || fa_words.empty()) return r.Error("entry has no words");
    for (size_t i = 0; i < fa_words.size(); ++i) {
      const std::string& w = fa_words[i];
      const bool last = i + 1 == fa_words.size();
      if (last && fa_words.size() > 1 && IsLightVerb(w)) break;  // optional light verb
      if (last && e.pos == "verb") {
        std::vector<std::string> stems = stemmer.VerbStems(w);
        if (!stems.empty()) {
          stems.insert(stems.begin(), w);
          e.persian_slots.push_back(std::move(stems));
          continue;
        }
      }
      e.persian_slots.push_back({w});
    }
    lex->entries_.push_back(std::move(e));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  for (uint32_t id = 0; id < lex->entries_.size(); ++id) {
    lex->by_first_word_[lex->entries_[id].english_words[0]].push_back(id);
  }
  for (auto& [word, ids] : lex->by_first_word_) {
    std::stable_sort(ids.begin(), ids.end(), [&](uint32_t a, uint32_t b) {
      return lex->entries_[a].english_words.size() > lex->entries_[b].english_words.size();
    });
  }
  return lex;
}

const std::vector<uint32_t>& Lexicon::EntriesStartingWith(std::string_view word) const {
  static const std::vector<uint32_t> kNone;
  auto it = by_first_word_.find(AsAbsl(word));
  return it == by_first_word_.end() ? kNone : it->second;
}

}  // namespace quotematch
