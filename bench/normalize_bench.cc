// Normalization throughput (Google Benchmark).
//
//   build/bench/normalize_bench [--benchmark_filter=...]
//
// Text: the shared evaluation corpora when ../shared/data/parallel exists
// (read at run time, never copied into the project), otherwise our own
// sample articles (examples/); repeated to the benchmark's size. Reports
// bytes/s (MB/s) for display+key (what the target is about) and for the
// full analysis (tokens, numbers, dates), and for each pass of display+key
// alone (BM_Pass*), to show where the time goes.
#include <benchmark/benchmark.h>

#include <string>

#include "base/file.h"
#include "normalize/internal/passes.h"
#include "normalize/normalizer.h"

namespace quotematch {
namespace {

std::string Read(const std::string& path) {
  std::string text;
  ReadFileToString(path, &text);  // empty when absent: the caller falls back
  return text;
}

std::string Corpus(Language lang) {
  const std::string shared = std::string(QM_SOURCE_DIR) + "/../shared/data/parallel/";
  std::string text = lang == Language::kPersian
                         ? Read(shared + "tico19.test.fas.txt") + Read(shared + "flores200.devtest.pes_Arab.txt")
                         : Read(shared + "tico19.test.eng.txt") + Read(shared + "flores200.devtest.eng_Latn.txt");
  if (text.empty()) {
    text = Read(std::string(QM_SOURCE_DIR) + (lang == Language::kPersian ? "/examples/border_talks.fa.txt"
                                                                         : "/examples/border_talks.en.txt"));
  }
  return text;
}

// `size` bytes of corpus text, cut at a line end.
std::string Sized(Language lang, size_t size) {
  static const std::string fa = Corpus(Language::kPersian);
  static const std::string en = Corpus(Language::kEnglish);
  const std::string& src = lang == Language::kPersian ? fa : en;
  std::string out;
  while (out.size() < size) out += src;
  size_t cut = out.rfind('\n', size);
  out.resize(cut == std::string::npos || cut < size / 2 ? size : cut + 1);
  return out;
}

const Normalizer& DisplayAndKey() {
  static NormalizerOptions options = [] {
    NormalizerOptions o;
    o.analyze = false;
    return o;
  }();
  static const Normalizer n(CharRules::Default(), PersianWordRules::Default(), TextAnalyzer::Default(), options);
  return n;
}

void Run(benchmark::State& state, Language lang, const Normalizer& n) {
  const std::string text = Sized(lang, static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    auto r = n.Normalize(text, lang);
    benchmark::DoNotOptimize(r);
    if (!r.ok()) state.SkipWithError("normalization failed");
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(text.size()));
}

// The same, normalizing into one NormalizedText that keeps its buffers, as
// a batch job does: no fresh output memory on each call.
void RunReusing(benchmark::State& state, Language lang, const Normalizer& n) {
  const std::string text = Sized(lang, static_cast<size_t>(state.range(0)));
  NormalizedText out;
  for (auto _ : state) {
    absl::Status st = n.Normalize(text, lang, &out);
    benchmark::DoNotOptimize(out);
    if (!st.ok()) state.SkipWithError("normalization failed");
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(text.size()));
}

void BM_PersianDisplayKey(benchmark::State& s) { Run(s, Language::kPersian, DisplayAndKey()); }
void BM_PersianDisplayKeyReusing(benchmark::State& s) { RunReusing(s, Language::kPersian, DisplayAndKey()); }
void BM_EnglishDisplayKeyReusing(benchmark::State& s) { RunReusing(s, Language::kEnglish, DisplayAndKey()); }
void BM_EnglishDisplayKey(benchmark::State& s) { Run(s, Language::kEnglish, DisplayAndKey()); }
void BM_PersianFullAnalysis(benchmark::State& s) { Run(s, Language::kPersian, Normalizer::Default()); }
void BM_EnglishFullAnalysis(benchmark::State& s) { Run(s, Language::kEnglish, Normalizer::Default()); }

// One pass of the normalizer alone on 1 MB, its input prepared outside the
// timing: 0 character pass, 1 spacing pass, 2 key pass.
void RunPass(benchmark::State& state, Language lang) {
  const std::string text = Sized(lang, 1 << 20);
  NormalizerOptions options;
  const internal::CharTable display_table(CharRules::Default(), options, /*key=*/false);
  const internal::CharTable key_table(CharRules::Default(), options, /*key=*/true);
  const PersianWordRules& words = PersianWordRules::Default();
  std::string chars, display, out;
  OffsetMapBuilder map;
  size_t invalid_at = 0;
  internal::CharPass(text, display_table, options.nfkc, &chars, &map, &invalid_at);
  internal::SpacingPass(chars, lang, options, words, &display, &map);
  const int pass = static_cast<int>(state.range(0));
  for (auto _ : state) {
    out.clear();
    OffsetMapBuilder builder;
    if (pass == 0) internal::CharPass(text, display_table, options.nfkc, &out, &builder, &invalid_at);
    if (pass == 1) internal::SpacingPass(chars, lang, options, words, &out, &builder);
    if (pass == 2) internal::KeyPass(display, key_table, &out, &builder);
    const std::string& input = pass == 0 ? text : pass == 1 ? chars : display;
    OffsetMap m = builder.Finish(static_cast<uint32_t>(input.size()));
    benchmark::DoNotOptimize(m);
  }
  state.SetLabel(pass == 0 ? "char" : pass == 1 ? "spacing" : "key");
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(text.size()));
}
void BM_PassPersian(benchmark::State& s) { RunPass(s, Language::kPersian); }
void BM_PassEnglish(benchmark::State& s) { RunPass(s, Language::kEnglish); }

BENCHMARK(BM_PersianDisplayKey)->Arg(100 << 10)->Arg(1 << 20)->Arg(10 << 20)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EnglishDisplayKey)->Arg(100 << 10)->Arg(1 << 20)->Arg(10 << 20)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PersianDisplayKeyReusing)->Arg(100 << 10)->Arg(1 << 20)->Arg(10 << 20)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EnglishDisplayKeyReusing)->Arg(100 << 10)->Arg(1 << 20)->Arg(10 << 20)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PersianFullAnalysis)->Arg(1 << 20)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EnglishFullAnalysis)->Arg(1 << 20)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PassPersian)->DenseRange(0, 2)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PassEnglish)->DenseRange(0, 2)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace quotematch

BENCHMARK_MAIN();
