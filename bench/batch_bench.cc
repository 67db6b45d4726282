// Batch alignment throughput (Google Benchmark): RunBatch over a manifest
// of article pairs, everything included (manifest scan, reading the files,
// alignment, JSON lines, checkpoints), at 1 and 2 threads side by side.
//
//   build/bench/batch_bench --benchmark_repetitions=3
//
// BM_Batch/1/real_time, BM_Batch/2/real_time: rows_per_s is article pairs
// per second; the ratio of the two is the scaling over threads (on a
// 2-core machine, 2 threads on 2 cores). Rows are the sample pair
// (examples/border_talks.*, six matches each).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "base/strings.h"
#include "batch/batch.h"

namespace quotematch {
namespace {

namespace fs = std::filesystem;

constexpr int kRows = 400;

const Engine& SharedEngine() {
  static const Engine* engine = new Engine();
  return *engine;
}

void BM_Batch(benchmark::State& state) {
  const fs::path dir = fs::temp_directory_path() / StrCat("qm_batch_bench_", getpid());
  fs::remove_all(dir);
  fs::create_directories(dir / "docs");
  for (const char* name : {"border_talks.en.txt", "border_talks.fa.txt"}) {
    fs::copy(fs::path(QM_SOURCE_DIR) / "examples" / name, dir / "docs" / name);
  }
  {
    std::ofstream m(dir / "manifest.jsonl");
    for (int i = 0; i < kRows; ++i) {
      m << R"({"id":"r)" << i
        << R"(","english":{"path":"docs/border_talks.en.txt"},"persian":{"path":"docs/border_talks.fa.txt"}})"
        << "\n";
    }
  }
  BatchOptions o;
  o.manifest = (dir / "manifest.jsonl").string();
  o.threads = static_cast<int>(state.range(0));
  int64_t rows = 0, pairs = 0, run = 0;
  for (auto _ : state) {
    o.out_dir = (dir / StrCat("out", run++)).string();
    auto stats = RunBatch(SharedEngine(), o);
    if (!stats.ok() || stats->rows_failed != 0) {
      state.SkipWithError("batch failed");
      break;
    }
    rows += stats->rows_done;
    pairs += stats->pairs;
    state.PauseTiming();
    fs::remove_all(o.out_dir);
    state.ResumeTiming();
  }
  state.counters["rows_per_s"] = benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsRate);
  state.counters["pairs_per_row"] = rows > 0 ? static_cast<double>(pairs) / static_cast<double>(rows) : 0;
  fs::remove_all(dir);
}
BENCHMARK(BM_Batch)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond)->MinTime(3);

}  // namespace
}  // namespace quotematch

BENCHMARK_MAIN();
