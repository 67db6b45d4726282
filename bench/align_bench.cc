// Aligner speed (Google Benchmark), on synthetic statements built from our
// own lexicon, so that it runs anywhere.
//
//   build/bench/align_bench [--benchmark_filter=...]
//
// A synthetic pair: an English statement of 8–20 random lexicon entries
// (English sides joined) and a Persian statement of the same entries'
// Persian sides, shuffled, with a third of them replaced by other entries.
// BM_ScorePairs/N: the pair scorer on random (mostly non-matching) pairs
// of an N × N corpus, the work retrieval does per candidate, in pairs per
// second (target ≥ 1 M/s); at 10,000 the features no longer fit in cache.
// BM_Retrieve/N: featurize and retrieve N × N statements; the cost for
// 10,000 should stay within 12× that for 1,000 (about linear); the phases'
// times are counters; the second argument picks uniform (0) or Zipf (1)
// word draws. BM_RetrieveScaling measures that ratio, the two sizes back to
// back in each repetition:
//
//   taskset -c 1 build/bench/align_bench --benchmark_filter=BM_RetrieveScaling
//       --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "align/aligner.h"
#include "normalize/normalizer.h"

namespace quotematch {
namespace {

struct Corpus {
  std::vector<Document> docs;
  std::vector<NormalizedText> texts;
  std::vector<Statement> statements;
  std::vector<StatementFeatures> english, persian;
};

// How a synthetic statement's words are drawn from the lexicon: uniformly,
// or by Zipf's law (the r-th most frequent entry with weight 1/r, ranks a
// seeded shuffle of the entries), which is how words occur in news. Uniform
// draws make no word common and spread a corpus over the whole lexicon;
// Zipf draws give the common words whose long postings the candidate
// search must bound.
enum class Draw { kUniform, kZipf };

std::unique_ptr<Corpus> Synthetic(size_t n, unsigned seed, Draw draw = Draw::kUniform) {
  const Aligner& a = Aligner::Default();
  const Lexicon& lex = a.lexicon();
  std::mt19937 rng(seed);
  std::vector<uint32_t> rank(lex.size());
  std::iota(rank.begin(), rank.end(), 0);
  std::shuffle(rank.begin(), rank.end(), std::mt19937(seed + 1));
  std::vector<double> weight(lex.size());
  for (size_t r = 0; r < weight.size(); ++r) weight[r] = 1.0 / static_cast<double>(r + 1);
  std::discrete_distribution<uint32_t> zipf(weight.begin(), weight.end());
  auto entry = [&] { return draw == Draw::kZipf ? rank[zipf(rng)] : static_cast<uint32_t>(rng() % lex.size()); };
  auto c = std::make_unique<Corpus>();
  c->docs.resize(2 * n);
  c->texts.resize(2 * n);
  c->statements.resize(2 * n);
  for (size_t i = 0; i < n; ++i) {
    const size_t k = 8 + rng() % 13;
    std::vector<uint32_t> ids;
    for (size_t m = 0; m < k; ++m) ids.push_back(entry());
    std::string en, fa;
    for (uint32_t id : ids) en += std::string(lex.english(lex.entry(id))) + " ";
    std::shuffle(ids.begin(), ids.end(), rng);
    for (size_t m = 0; m < ids.size(); ++m) {
      const uint32_t id = m % 3 == 2 ? entry() : ids[m];
      fa += std::string(lex.persian(lex.entry(id))) + " ";
    }
    for (int side = 0; side < 2; ++side) {
      const size_t x = 2 * i + side;
      const Language lang = side == 0 ? Language::kEnglish : Language::kPersian;
      c->docs[x] = {std::to_string(x), lang, side == 0 ? en : fa, std::nullopt, ""};
      c->texts[x] = *Normalizer::Default().Normalize(c->docs[x].text, lang);
      c->statements[x].language = lang;
      c->statements[x].content_span = {0, static_cast<uint32_t>(c->docs[x].text.size())};
    }
  }
  return c;
}

void Featurize(Corpus* c) {
  const Aligner& a = Aligner::Default();
  c->english.clear();
  c->persian.clear();
  for (size_t x = 0; x < c->docs.size(); ++x) {
    (x % 2 == 0 ? c->english : c->persian).push_back(a.Featurize(c->docs[x], c->texts[x], c->statements[x]));
  }
  Aligner::ComputeIdf(&c->english, &c->persian);
}

void BM_ScorePairs(benchmark::State& state) {
  auto c = Synthetic(static_cast<size_t>(state.range(0)), 1);
  Featurize(c.get());
  const Aligner& a = Aligner::Default();
  size_t i = 0, j = 7;
  double sink = 0;
  for (auto _ : state) {
    sink += a.LogOdds(c->english[i], c->persian[j]);
    i = (i + 1) % c->english.size();
    j = (j + 13) % c->persian.size();
  }
  benchmark::DoNotOptimize(sink);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_ScorePairs)->Arg(1000)->Arg(10000);

void BM_Retrieve(benchmark::State& state) {
  const Draw draw = state.range(1) == 0 ? Draw::kUniform : Draw::kZipf;
  state.SetLabel(draw == Draw::kZipf ? "zipf" : "uniform");
  auto c = Synthetic(static_cast<size_t>(state.range(0)), 2, draw);
  const Aligner& a = Aligner::Default();
  size_t correct = 0, pairs = 0;
  double featurize_ms = 0, retrieve_ms = 0;
  Retrieval r;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    Featurize(c.get());
    const auto t1 = std::chrono::steady_clock::now();
    r = a.Retrieve(c->english, c->persian);
    const auto t2 = std::chrono::steady_clock::now();
    featurize_ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
    retrieve_ms = std::chrono::duration<double, std::milli>(t2 - t1).count();
    correct = 0;
    for (size_t i = 0; i < r.best_persian.size(); ++i) correct += r.best_persian[i] == static_cast<int64_t>(i);
    pairs = r.candidate_pairs;
  }
  state.counters["p@1"] = double(correct) / state.range(0);
  state.counters["featurize_ms"] = featurize_ms;
  state.counters["retrieve_ms"] = retrieve_ms;
  state.counters["index_ms"] = r.index_ms;
  state.counters["candidates_ms"] = r.candidates_ms;
  state.counters["scoring_ms"] = r.scoring_ms;
  state.counters["margin_ms"] = r.margin_ms;
  state.counters["candidates_per_statement"] = double(pairs) / state.range(0);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * state.range(0)));
}
// With --benchmark_repetitions=N each size also reports its minimum: on a
// shared machine the fastest run is the one least disturbed by others.
BENCHMARK(BM_Retrieve)
    ->ArgsProduct({{1000, 10000}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->ComputeStatistics("min", [](const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); });

// The scaling figure itself: each iteration featurizes and retrieves the
// 1,000 corpus ten times (the mean counts) and then the 10,000 corpus once,
// back to back, and keeps the ratio of their times, so that both sides of
// the ratio see the same machine load. Arg 0 draws words uniformly, arg 1
// by Zipf's law (see Draw).
// The time reported is the 10,000 corpus's; `ratio` is the 10k/1k cost
// (target ≤ 12), and with repetitions its median is the figure to quote.
void BM_RetrieveScaling(benchmark::State& state) {
  const Draw draw = state.range(0) == 0 ? Draw::kUniform : Draw::kZipf;
  state.SetLabel(draw == Draw::kZipf ? "zipf" : "uniform");
  auto small = Synthetic(1000, 2, draw);
  auto large = Synthetic(10000, 2, draw);
  const Aligner& a = Aligner::Default();
  double p_at_1 = 0;
  auto run = [&](Corpus* c) {
    const auto t0 = std::chrono::steady_clock::now();
    Featurize(c);
    const Retrieval r = a.Retrieve(c->english, c->persian);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    size_t correct = 0;
    for (size_t i = 0; i < r.best_persian.size(); ++i) correct += r.best_persian[i] == static_cast<int64_t>(i);
    p_at_1 = double(correct) / r.best_persian.size();
    return ms;
  };
  run(small.get());   // warm the lexicon's caches for both
  double small_ms = 0, large_ms = 0;
  double small_p = 0;
  for (auto _ : state) {
    // Ten runs of the small corpus (their mean) against one of the large,
    // so that both sides of the ratio are measured over the same second or
    // two: a single 1k run is short enough for one hiccup to move it 20 %.
    small_ms = 0;
    for (int r = 0; r < 10; ++r) small_ms += run(small.get()) / 10;
    small_p = p_at_1;
    large_ms = run(large.get());
    state.SetIterationTime(large_ms / 1000);
  }
  state.counters["p@1_1k"] = small_p;
  state.counters["p@1_10k"] = p_at_1;
  state.counters["ms_1k"] = small_ms;
  state.counters["ms_10k"] = large_ms;
  state.counters["ratio"] = large_ms / small_ms;
}
BENCHMARK(BM_RetrieveScaling)
    ->Arg(0)
    ->Arg(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->ComputeStatistics("min", [](const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); });

}  // namespace
}  // namespace quotematch

BENCHMARK_MAIN();
