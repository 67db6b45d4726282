#include "align/morphology.h"

#include <algorithm>

#include "base/strings.h"
#include "base/status_macros.h"
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

// Persian suffixes in match-key form (ZWNJ already removed), longest first.
constexpr std::string_view kPersianSuffixes[] = {
    "هایشان", "هایمان", "هایتان", "هایی", "ترین", "هاشان", "های", "ایم", "اید", "اند",
    "شان", "مان", "تان", "ها", "ان", "ات", "ین", "تر", "ای", "یی", "ام", "اش",
    "یم", "ید", "ند", "ی", "م", "ت", "ش", "د", "ه"};
constexpr std::string_view kPersianPrefixes[] = {"نمی", "می", "ب", "ن"};

}  // namespace

absl::StatusOr<std::unique_ptr<EnglishLemmatizer>> EnglishLemmatizer::Load(
    std::string_view irregular, std::string_view stopwords) {
  auto out = std::make_unique<EnglishLemmatizer>();
  RETURN_IF_ERROR(ForEachTsvRecord(irregular, "en_irregular.tsv", 2, 2, [&](const TsvRecord& r) {
    if (!out->irregular_.emplace(std::string(r.fields[0]), std::string(r.fields[1])).second) {
      return r.Error(StrCat("duplicate form '", r.fields[0], "'"));
    }
    return absl::OkStatus();
  }));
  RETURN_IF_ERROR(LoadWordSet(stopwords, "stopwords_en.txt", Language::kEnglish, &out->stopwords_));
  return out;
}

std::vector<std::string> EnglishLemmatizer::Candidates(std::string_view w) const {
  std::vector<std::string> out;
  out.emplace_back(w);
  if (EndsWith(w, "'s")) w.remove_suffix(2);
  else if (EndsWith(w, "'")) w.remove_suffix(1);
  AddUnique(&out, std::string(w));
  if (auto it = irregular_.find(AsAbsl(w)); it != irregular_.end()) AddUnique(&out, it->second);
  auto strip = [&](std::string_view suffix, std::string_view add) {
    if (w.size() > suffix.size() + 2 && EndsWith(w, suffix)) {
      AddUnique(&out, StrCat(w.substr(0, w.size() - suffix.size()), add));
    }
  };
  strip("ies", "y");
  strip("ied", "y");
  strip("es", "");
  strip("s", "");
  strip("ed", "");
  strip("ed", "e");
  strip("d", "");
  strip("ing", "");
  strip("ing", "e");
  strip("ly", "");
  strip("er", "");
  strip("est", "");
  // Doubled consonant before -ed/-ing: stopped → stop, planning → plan.
  for (std::string_view suffix : {"ed", "ing"}) {
    if (w.size() > suffix.size() + 3 && EndsWith(w, suffix)) {
      std::string_view stem = w.substr(0, w.size() - suffix.size());
      if (stem[stem.size() - 1] == stem[stem.size() - 2]) AddUnique(&out, std::string(stem.substr(0, stem.size() - 1)));
    }
  }
  return out;
}

absl::StatusOr<std::unique_ptr<PersianStemmer>> PersianStemmer::Load(std::string_view verbs,
                                                                     std::string_view stopwords) {
  auto out = std::make_unique<PersianStemmer>();
  // data/lexicon/fa_verbs.tsv: INFINITIVE, PAST STEM, PRESENT STEM[, colloquial
  // stems]; the aligner needs the formal present stem of each infinitive.
  RETURN_IF_ERROR(ForEachTsvRecord(verbs, "fa_verbs.tsv", 3, 4, [&](const TsvRecord& r) -> absl::Status {
    ASSIGN_OR_RETURN(std::string inf, KeyOf(r, r.fields[0], Language::kPersian));
    ASSIGN_OR_RETURN(std::string present, KeyOf(r, r.fields[2], Language::kPersian));
    if (!EndsWith(inf, "ن")) return r.Error("infinitive must end in ن");
    if (!out->present_stems_.emplace(inf, present).second) return r.Error("duplicate infinitive");
    return absl::OkStatus();
  }));
  RETURN_IF_ERROR(LoadWordSet(stopwords, "stopwords_fa.txt", Language::kPersian, &out->stopwords_));
  return out;
}

std::vector<std::string> PersianStemmer::Candidates(std::string_view word) const {
  std::vector<std::string> out;
  out.emplace_back(word);
  std::vector<std::string> bases;
  bases.emplace_back(word);
  for (std::string_view p : kPersianPrefixes) {
    if (StartsWith(word, p) && CodePoints(word) - CodePoints(p) >= 2) {
      bases.emplace_back(word.substr(p.size()));
    }
  }
  for (const std::string& base : bases) {
    AddUnique(&out, base);
    // Up to two suffixes: کشورهایشان → کشور، دوستانه‌ای → دوستانه.
    for (std::string_view s1 : kPersianSuffixes) {
      if (!EndsWith(base, s1) || CodePoints(base) - CodePoints(s1) < 2) continue;
      std::string_view once = std::string_view(base).substr(0, base.size() - s1.size());
      AddUnique(&out, std::string(once));
      for (std::string_view s2 : kPersianSuffixes) {
        if (EndsWith(once, s2) && CodePoints(once) - CodePoints(s2) >= 2) {
          AddUnique(&out, std::string(once.substr(0, once.size() - s2.size())));
        }
      }
    }
  }
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
  // Past participle (گفته، کشته) for passives and perfects.
  AddUnique(&out, past + "ه");
  return out;
}

}  // namespace quotematch
