// Lexicon and morphology speed (Google Benchmark).
//
//   build/bench/lexicon_bench [--benchmark_filter=...]
//
// BM_CompileFromTsv: the embedded TSV files (and ICU-generated names)
// compiled with morphology, as a process does at startup without a cache.
// BM_LoadCache: the binary cache (Lexicon::Serialize) read back; the issue's
// target is under 200 ms. BM_MatchEnglish / BM_AnalyzePersian: one pass of
// phrase matching and lemmatization over our own sample articles (examples/),
// in tokens per second.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "align/aligner.h"
#include "base/file.h"
#include "normalize/normalizer.h"

namespace quotematch {
namespace {

std::vector<std::string> Words(const char* file, Language lang) {
  std::string text;
  ReadFileToString(std::string(QM_SOURCE_DIR) + "/examples/" + file, &text);
  std::vector<std::string> out;
  auto n = Normalizer::Default().Normalize(text, lang);
  if (!n.ok()) return out;
  for (const Token& t : n->tokens) {
    if (t.kind == TokenKind::kWord) out.push_back(t.key);
  }
  return out;
}

void BM_CompileFromTsv(benchmark::State& state) {
  const AlignerData data = Aligner::EmbeddedData();
  size_t entries = 0;
  for (auto _ : state) {
    auto a = Aligner::Load(data);
    if (!a.ok()) {
      state.SkipWithError("embedded data does not load");
      break;
    }
    entries = (*a)->lexicon().size();
  }
  state.counters["entries"] = static_cast<double>(entries);
}
BENCHMARK(BM_CompileFromTsv)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_LoadCache(benchmark::State& state) {
  const std::string bytes = Aligner::Default().lexicon().Serialize();
  size_t memory = 0;
  for (auto _ : state) {
    auto lex = Lexicon::Deserialize(bytes);
    if (!lex.ok()) {
      state.SkipWithError("cache does not load");
      break;
    }
    memory = (*lex)->MemoryBytes();
    benchmark::DoNotOptimize(lex);
  }
  state.counters["cache_MiB"] = bytes.size() / 1048576.0;
  state.counters["memory_MiB"] = memory / 1048576.0;
}
BENCHMARK(BM_LoadCache)->Unit(benchmark::kMillisecond);

void BM_MatchEnglish(benchmark::State& state) {
  const Aligner& a = Aligner::Default();
  const std::vector<std::string> words = Words("border_talks.en.txt", Language::kEnglish);
  for (auto _ : state) {
    std::vector<std::vector<std::string>> forms;
    forms.reserve(words.size());
    for (const std::string& w : words) forms.push_back(a.english().Candidates(w));
    benchmark::DoNotOptimize(a.lexicon().MatchEnglish(forms));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * words.size()));
}
BENCHMARK(BM_MatchEnglish);

void BM_AnalyzePersian(benchmark::State& state) {
  const Aligner& a = Aligner::Default();
  const std::vector<std::string> words = Words("border_talks.fa.txt", Language::kPersian);
  for (auto _ : state) {
    for (const std::string& w : words) benchmark::DoNotOptimize(a.persian().Analyze(w));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * words.size()));
}
BENCHMARK(BM_AnalyzePersian);

}  // namespace
}  // namespace quotematch

BENCHMARK_MAIN();
