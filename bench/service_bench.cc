// The server's work per call without the transport (Google Benchmark):
// the request handlers on our sample articles, response messages built and
// serialized as gRPC would, so that a load-generator figure can be split
// into handler time and gRPC time.
//
//   taskset -c 1 build/bench/service_bench
//
// BM_Normalize1K: the Normalize handler on a ~1 KB Persian paragraph (the
// first sentences of examples/border_talks.fa.txt up to 1 KB, as
// quotematch-loadgen sends); BM_AlignSamplePair: AlignDocuments on the
// sample pair.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <string>

#include "pipeline/engine.h"
#include "server/handlers.h"

namespace quotematch {
namespace {

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Whole sentences (ending in '.', '?', '!' or '؟') up to `limit` bytes.
std::string Paragraph(const std::string& text, size_t limit) {
  size_t end = 0;
  for (size_t i = 0; i < text.size() && i < limit; ++i) {
    if (text[i] == '.' || text[i] == '!' || text[i] == '?') end = i + 1;
    if (i + 1 < text.size() && static_cast<unsigned char>(text[i]) == 0xD8 &&
        static_cast<unsigned char>(text[i + 1]) == 0x9F && i + 2 <= limit) {
      end = i + 2;   // ؟
    }
  }
  return text.substr(0, end == 0 ? std::min(limit, text.size()) : end);
}

// The engine, warmed: its first use loads the lexicon and rule tables.
const Engine& TheEngine() {
  static const Engine* engine = [] {
    auto* e = new Engine(EngineOptions{});
    (void)e->Normalize("گرم", Language::kPersian, "text");
    (void)e->Align({"en", Language::kEnglish, "Ali said: \"Yes.\"", std::nullopt, ""},
                   {"fa", Language::kPersian, "علی گفت: «بله.»", std::nullopt, ""}, 0);
    return e;
  }();
  return *engine;
}

void BM_Normalize1K(benchmark::State& state) {
  v1::NormalizeRequest request;
  request.set_text(Paragraph(Read(std::string(QM_SOURCE_DIR) + "/examples/border_talks.fa.txt"), 1024));
  request.set_language(v1::LANGUAGE_PERSIAN);
  size_t bytes = 0;
  {
    v1::NormalizeResponse warm;   // the first Persian paragraph loads calendar and number tables
    (void)HandleNormalize(TheEngine(), request, &warm);
  }
  for (auto _ : state) {
    v1::NormalizeResponse response;
    grpc::Status st = HandleNormalize(TheEngine(), request, &response);
    if (!st.ok()) state.SkipWithError(st.error_message().c_str());
    bytes = response.ByteSizeLong();
    std::string wire = response.SerializeAsString();
    benchmark::DoNotOptimize(wire.data());
  }
  state.counters["request_bytes"] = static_cast<double>(request.text().size());
  state.counters["response_bytes"] = static_cast<double>(bytes);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Normalize1K)->Unit(benchmark::kMicrosecond);

void BM_AlignSamplePair(benchmark::State& state) {
  v1::AlignDocumentsRequest request;
  auto* en = request.mutable_english();
  en->set_id("en");
  en->set_language(v1::LANGUAGE_ENGLISH);
  en->set_text(Read(std::string(QM_SOURCE_DIR) + "/examples/border_talks.en.txt"));
  auto* fa = request.mutable_persian();
  fa->set_id("fa");
  fa->set_language(v1::LANGUAGE_PERSIAN);
  fa->set_text(Read(std::string(QM_SOURCE_DIR) + "/examples/border_talks.fa.txt"));
  size_t pairs = 0;
  for (auto _ : state) {
    std::vector<v1::AlignDocumentsResponse> responses;
    grpc::Status st = HandleAlignDocuments(TheEngine(), request, &responses);
    if (!st.ok()) state.SkipWithError(st.error_message().c_str());
    for (const auto& r : responses) {
      std::string wire = r.SerializeAsString();
      benchmark::DoNotOptimize(wire.data());
    }
    pairs = responses.size() - 1;
  }
  state.counters["pairs"] = static_cast<double>(pairs);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AlignSamplePair)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace quotematch

BENCHMARK_MAIN();
