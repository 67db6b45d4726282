// Extraction speed (Google Benchmark): normalization and extraction of our
// annotated example articles (examples/extract/), one language at a time,
// each article a document, in bytes per second of original text (target
// ≥ 10 MB/s on one core).
//
//   taskset -c 1 build/bench/extract_bench --benchmark_repetitions=5
#include <benchmark/benchmark.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "base/file.h"
#include "extract/extractor.h"
#include "normalize/normalizer.h"

namespace quotematch {
namespace {

std::vector<Document> Articles(std::string_view suffix, Language lang) {
  std::vector<Document> docs;
  std::vector<std::filesystem::path> paths;
  for (const auto& e : std::filesystem::directory_iterator(std::string(QM_SOURCE_DIR) + "/examples/extract")) {
    if (e.path().string().ends_with(suffix)) paths.push_back(e.path());
  }
  std::sort(paths.begin(), paths.end());
  for (const auto& p : paths) {
    std::string text;
    if (ReadFileToString(p.string(), &text)) docs.push_back({p.filename().string(), lang, text, std::nullopt, ""});
  }
  return docs;
}

// What normalization alone (the tokens extraction reads) costs on the same
// articles, for the split between the two.
void BM_NormalizeOnly(benchmark::State& state, std::string_view suffix, Language lang) {
  const std::vector<Document> docs = Articles(suffix, lang);
  NormalizedText norm;
  size_t bytes = 0;
  for (auto _ : state) {
    for (const Document& d : docs) {
      if (!Normalizer::Default().Normalize(d.text, lang, &norm).ok()) {
        state.SkipWithError("normalization failed");
        return;
      }
      benchmark::DoNotOptimize(norm.tokens.data());
      bytes += d.text.size();
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK_CAPTURE(BM_NormalizeOnly, en, ".en.txt", Language::kEnglish);
BENCHMARK_CAPTURE(BM_NormalizeOnly, fa, ".fa.txt", Language::kPersian);

void BM_Extract(benchmark::State& state, std::string_view suffix, Language lang) {
  const std::vector<Document> docs = Articles(suffix, lang);
  if (docs.empty()) {
    state.SkipWithError("no example articles");
    return;
  }
  const Extractor& x = Extractor::Default();
  NormalizedText norm;
  size_t bytes = 0, statements = 0;
  for (auto _ : state) {
    for (const Document& d : docs) {
      if (!Normalizer::Default().Normalize(d.text, lang, &norm).ok()) {
        state.SkipWithError("normalization failed");
        return;
      }
      const std::vector<Statement> s = x.Extract(d, norm);
      statements += s.size();
      bytes += d.text.size();
    }
  }
  benchmark::DoNotOptimize(statements);
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["statements_per_doc"] = double(statements) / (double(state.iterations()) * docs.size());
}
BENCHMARK_CAPTURE(BM_Extract, en, ".en.txt", Language::kEnglish);
BENCHMARK_CAPTURE(BM_Extract, fa, ".fa.txt", Language::kPersian);

}  // namespace
}  // namespace quotematch

BENCHMARK_MAIN();
