// quotematch-eval retrieval / docalign: the aligner on line-aligned parallel text.
//
// Every line is one statement (no extraction): line i of --en translates
// line i of --fa. `retrieval` searches every English line among all Persian
// lines and vice versa and prints P@1 both ways. `docalign` groups lines into
// documents by the id in column K of --docs, drops and merges sentences as
// told, aligns each document pair and prints precision, recall and F1 of
// the links.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "align/aligner.h"
#include "base/file.h"
#include "base/strings.h"
#include "bench/eval.h"
#include "normalize/normalizer.h"

namespace quotematch::eval {
namespace {

double Ms(std::chrono::steady_clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// Lines as documents of one statement each, kept alive for the features.
struct Side {
  std::vector<Document> docs;
  std::vector<NormalizedText> texts;
  std::vector<Statement> statements;
  std::vector<StatementFeatures> features;

  Side(const Aligner& aligner, const std::vector<std::string>& lines, Language lang) {
    const size_t n = lines.size();
    docs.resize(n);
    texts.resize(n);
    statements.resize(n);
    features.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      docs[i].id = StrCat(lang == Language::kEnglish ? "en" : "fa", i);
      docs[i].language = lang;
      docs[i].text = lines[i];
      auto t = Normalizer::Default().Normalize(docs[i].text, lang);
      if (t.ok()) texts[i] = std::move(*t);
      texts[i].language = lang;
      Statement& s = statements[i];
      s.id = docs[i].id;
      s.language = lang;
      s.content_span = {0, static_cast<uint32_t>(docs[i].text.size())};
      s.sentence_span = s.content_span;
    }
    for (size_t i = 0; i < n; ++i) features.push_back(aligner.Featurize(docs[i], texts[i], statements[i]));
  }
};

struct Flags {
  std::string en, fa, docs;
  int doc_column = 1;
  bool skip_header = false;
  double drop = 0.2, merge = 0.1, min_score = 0.5;
  unsigned seed = 1;
  bool calibrate = false;
  ScoreWeights weights;
  bool custom_weights = false;
};

// --weight NAME=VALUE: one of the ScoreWeights, for tuning.
bool SetWeight(std::string_view spec, ScoreWeights* w) {
  const size_t eq = spec.find('=');
  double v = 0;
  if (eq == std::string_view::npos || !ParseDouble(spec.substr(eq + 1), &v)) return false;
  const std::string_view name = spec.substr(0, eq);
  if (name == "bias") w->bias = v;
  else if (name == "coverage_en") w->coverage_en = v;
  else if (name == "coverage_fa") w->coverage_fa = v;
  else if (name == "per_name") w->per_name = v;
  else if (name == "per_number") w->per_number = v;
  else if (name == "number_conflict") w->number_conflict = v;
  else if (name == "length") w->length = v;
  else if (name == "speaker") w->speaker = v;
  else if (name == "margin_k") w->margin_k = static_cast<int>(v);
  else if (name == "char_length") w->char_length = v;
  else if (name == "calibration_scale") w->calibration_scale = v;
  else if (name == "calibration_shift") w->calibration_shift = v;
  else return false;
  return true;
}

bool Parse(const std::vector<std::string>& args, Flags* f, std::string* error) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string* {
      if (i + 1 >= args.size()) {
        *error = StrCat(a, " needs a value");
        return nullptr;
      }
      return &args[++i];
    };
    auto number = [&](double* out) {
      const std::string* v = value();
      if (v == nullptr) return false;
      if (!ParseDouble(*v, out)) {
        *error = StrCat(a, ": not a number: '", *v, "'");
        return false;
      }
      return true;
    };
    double d = 0;
    if (a == "--en" || a == "--fa" || a == "--docs") {
      const std::string* v = value();
      if (v == nullptr) return false;
      (a == "--en" ? f->en : a == "--fa" ? f->fa : f->docs) = *v;
    } else if (a == "--weight") {
      const std::string* v = value();
      if (v == nullptr) return false;
      if (!SetWeight(*v, &f->weights)) {
        *error = StrCat("--weight: expected NAME=NUMBER with a ScoreWeights name, got '", *v, "'");
        return false;
      }
      f->custom_weights = true;
    } else if (a == "--skip-header") {
      f->skip_header = true;
    } else if (a == "--calibrate") {
      f->calibrate = true;
    } else if (a == "--doc-column" || a == "--seed") {
      if (!number(&d) || d < (a == "--seed" ? 0 : 1)) {
        if (error->empty()) *error = StrCat(a, ": out of range");
        return false;
      }
      if (a == "--doc-column") f->doc_column = static_cast<int>(d);
      else f->seed = static_cast<unsigned>(d);
    } else if (a == "--drop" || a == "--merge" || a == "--min-score") {
      if (!number(&d) || d < 0 || d > 1) {
        if (error->empty()) *error = StrCat(a, ": must be in [0, 1]");
        return false;
      }
      (a == "--drop" ? f->drop : a == "--merge" ? f->merge : f->min_score) = d;
    } else {
      *error = StrCat("unknown argument '", a, "'");
      return false;
    }
  }
  if (f->en.empty() || f->fa.empty()) {
    *error = "--en FILE and --fa FILE are required";
    return false;
  }
  return true;
}

const Aligner& AlignerFor(const Flags& f) {
  if (!f.custom_weights) return Aligner::Default();
  static std::unique_ptr<Aligner> custom;
  auto loaded = Aligner::Load(Aligner::EmbeddedData(), f.weights);
  if (!loaded.ok()) return Aligner::Default();
  custom = std::move(*loaded);
  return *custom;
}

}  // namespace

int RunRetrievalEval(const std::vector<std::string>& args) {
  Flags f;
  std::string error;
  if (!Parse(args, &f, &error)) return Usage(error);
  std::vector<std::string> en_lines, fa_lines;
  if (!ReadLines(f.en, &en_lines)) return Usage(StrCat("cannot read ", f.en));
  if (!ReadLines(f.fa, &fa_lines)) return Usage(StrCat("cannot read ", f.fa));
  if (en_lines.size() != fa_lines.size()) {
    return Usage(StrCat(f.en, " has ", en_lines.size(), " lines, ", f.fa, " has ", fa_lines.size()));
  }
  const Aligner& aligner = AlignerFor(f);  // loaded before the clock starts
  const auto start = std::chrono::steady_clock::now();
  Side en(aligner, en_lines, Language::kEnglish), fa(aligner, fa_lines, Language::kPersian);
  Aligner::ComputeIdf(&en.features, &fa.features);
  const auto featurized = std::chrono::steady_clock::now();
  const Retrieval r = aligner.Retrieve(en.features, fa.features);
  const auto done = std::chrono::steady_clock::now();
  size_t en_ok = 0, fa_ok = 0;
  const size_t n = en_lines.size();
  for (size_t i = 0; i < n; ++i) {
    en_ok += r.best_persian[i] == static_cast<int64_t>(i);
    fa_ok += r.best_english[i] == static_cast<int64_t>(i);
  }
  std::printf("statements: %zu x %zu  candidate pairs scored: %zu (%.2f%% of all pairs)\n", n, n, r.candidate_pairs,
              n ? 100.0 * r.candidate_pairs / (double(n) * n) : 0.0);
  std::printf("time: featurize %.0f ms, retrieve %.0f ms, total %.0f ms\n", Ms(featurized - start),
              Ms(done - featurized), Ms(done - start));
  std::printf("p@1 en->fa %.4f fa->en %.4f (n=%zu)\n", n ? double(en_ok) / n : 0.0, n ? double(fa_ok) / n : 0.0, n);
  return 0;
}

int RunDocAlignEval(const std::vector<std::string>& args) {
  Flags f;
  std::string error;
  if (!Parse(args, &f, &error)) return Usage(error);
  if (f.docs.empty()) return Usage("docalign needs --docs FILE");
  std::vector<std::string> en_lines, fa_lines, doc_lines;
  if (!ReadLines(f.en, &en_lines)) return Usage(StrCat("cannot read ", f.en));
  if (!ReadLines(f.fa, &fa_lines)) return Usage(StrCat("cannot read ", f.fa));
  if (!ReadLines(f.docs, &doc_lines)) return Usage(StrCat("cannot read ", f.docs));
  if (f.skip_header && !doc_lines.empty()) doc_lines.erase(doc_lines.begin());
  if (en_lines.size() != fa_lines.size() || doc_lines.size() != en_lines.size()) {
    return Usage(StrCat("line counts differ: ", en_lines.size(), " English, ", fa_lines.size(), " Persian, ",
                        doc_lines.size(), " document ids"));
  }
  std::vector<std::string> ids;
  for (const std::string& line : doc_lines) {
    std::vector<std::string_view> cols = Split(line, '\t');
    if (static_cast<int>(cols.size()) < f.doc_column) return Usage(StrCat(f.docs, ": a line has no column ", f.doc_column));
    ids.emplace_back(cols[f.doc_column - 1]);
  }
  const Aligner& aligner = AlignerFor(f);
  std::mt19937 rng(f.seed);
  std::uniform_real_distribution<double> unit(0, 1);
  size_t tp = 0, predicted = 0, gold = 0, documents = 0;
  std::vector<std::pair<double, int>> labelled;   // (log-odds, is a gold link), for --calibrate
  const auto start = std::chrono::steady_clock::now();
  for (size_t begin = 0; begin < ids.size();) {
    size_t end = begin;
    while (end < ids.size() && ids[end] == ids[begin]) ++end;
    ++documents;
    // Noise: drop sentences on each side independently, then merge adjacent English pairs.
    std::vector<size_t> fa_kept, en_kept;
    for (size_t i = begin; i < end; ++i) {
      if (unit(rng) >= f.drop) fa_kept.push_back(i);
    }
    for (size_t i = begin; i < end; ++i) {
      if (unit(rng) >= f.drop) en_kept.push_back(i);
    }
    std::vector<std::string> en_text, fa_text;
    std::vector<std::vector<size_t>> en_src;   // original lines of each English statement
    for (size_t k = 0; k < en_kept.size(); ++k) {
      if (k + 1 < en_kept.size() && unit(rng) < f.merge) {
        en_text.push_back(StrCat(en_lines[en_kept[k]], " ", en_lines[en_kept[k + 1]]));
        en_src.push_back({en_kept[k], en_kept[k + 1]});
        ++k;
      } else {
        en_text.push_back(en_lines[en_kept[k]]);
        en_src.push_back({en_kept[k]});
      }
    }
    for (size_t i : fa_kept) fa_text.push_back(fa_lines[i]);
    // Gold: an English statement links to the Persian line of each of its sources that survived.
    for (size_t e = 0; e < en_src.size(); ++e) {
      for (size_t src : en_src[e]) gold += std::find(fa_kept.begin(), fa_kept.end(), src) != fa_kept.end();
    }
    Side en(aligner, en_text, Language::kEnglish), fa(aligner, fa_text, Language::kPersian);
    if (f.calibrate) {
      std::vector<StatementFeatures> e = en.features, p = fa.features;
      Aligner::ComputeIdf(&e, &p);
      for (size_t x = 0; x < e.size(); ++x) {
        for (size_t y = 0; y < p.size(); ++y) {
          const auto& srcs = en_src[x];
          const int gold_link = std::find(srcs.begin(), srcs.end(), fa_kept[y]) != srcs.end();
          labelled.emplace_back(aligner.LogOdds(e[x], p[y]), gold_link);
        }
      }
    }
    const Alignment a = aligner.AlignDocuments(en.features, fa.features, f.min_score);
    for (const ScoredPair& p : a.pairs) {
      ++predicted;
      const size_t fa_line = fa_kept[p.persian];
      const auto& srcs = en_src[p.english];
      tp += std::find(srcs.begin(), srcs.end(), fa_line) != srcs.end();
    }
    begin = end;
  }
  const double ms = Ms(std::chrono::steady_clock::now() - start);
  const double precision = predicted ? double(tp) / predicted : 0, recall = gold ? double(tp) / gold : 0;
  const double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
  std::printf("documents: %zu  gold links: %zu  predicted: %zu  correct: %zu  (drop %.2f, merge %.2f, seed %u, %.0f ms)\n",
              documents, gold, predicted, tp, f.drop, f.merge, f.seed, ms);
  if (f.calibrate && !labelled.empty()) {
    // The shift of the log-odds that maximizes the likelihood of the gold
    // labels, the slope kept at the current scale (Newton's method in one
    // variable): the classes separate almost perfectly, and fitting the
    // slope too would make every probability 0 or 1.
    const double a = aligner.weights().calibration_scale;
    double b = aligner.weights().calibration_shift;
    for (int it = 0; it < 100; ++it) {
      double g = 0, h = 1e-9;
      for (const auto& [z, y] : labelled) {
        const double p = 1 / (1 + std::exp(-(a * z + b)));
        g += y - p;
        h += p * (1 - p);
      }
      b += g / h;
      if (std::fabs(g / h) < 1e-9) break;
    }
    std::printf("calibration over %zu pairs: calibration_scale=%.4f calibration_shift=%.4f\n", labelled.size(), a, b);
    size_t pos = 0, pos_low = 0, neg = 0, neg_high = 0;
    for (const auto& [z, y] : labelled) {
      if (y) { ++pos; pos_low += z < 0; } else { ++neg; neg_high += z >= 0; }
    }
    std::printf("  gold links with log-odds < 0: %zu of %zu; other pairs with log-odds >= 0: %zu of %zu\n", pos_low, pos, neg_high, neg);
  }
  std::printf("precision: %.4f recall: %.4f\n", precision, recall);
  std::printf("f1: %.4f\n", f1);
  return 0;
}

}  // namespace quotematch::eval
