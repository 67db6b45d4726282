// Batch alignment throughput (Google Benchmark): RunBatch over a manifest
// of article pairs, everything included (manifest scan, reading the files,
// alignment, JSON lines, checkpoints), at 1 and 2 threads side by side.
//
//   build/bench/batch_bench --benchmark_repetitions=3
//
// 2,000 rows per run, each the sample pair (examples/border_talks.*, six
// matches). BM_Batch/1, BM_Batch/2: rows_per_s is article pairs per second.
// BM_BatchScaling: the 2-thread speed-up, from runs on 1 and 2 threads
// alternated (on a 2-core machine, 2 threads on 2 cores).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "base/strings.h"
#include "batch/batch.h"

namespace quotematch {
namespace {

namespace fs = std::filesystem;

constexpr int kRows = 2000;   // long enough that start-up (threads, their caches, the last checkpoint) weighs little

const Engine& SharedEngine() {
  static const Engine* engine = new Engine();
  return *engine;
}

// The sample-pair manifest in a fresh directory, removed with it.
class Archive {
 public:
  Archive() : dir_(fs::temp_directory_path() / StrCat("qm_batch_bench_", getpid())) {
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "docs");
    for (const char* name : {"border_talks.en.txt", "border_talks.fa.txt"}) {
      fs::copy(fs::path(QM_SOURCE_DIR) / "examples" / name, dir_ / "docs" / name);
    }
    std::ofstream m(dir_ / "manifest.jsonl");
    for (int i = 0; i < kRows; ++i) {
      m << R"({"id":"r)" << i
        << R"(","english":{"path":"docs/border_talks.en.txt"},"persian":{"path":"docs/border_talks.fa.txt"}})"
        << "\n";
    }
  }
  ~Archive() { fs::remove_all(dir_); }

  // One whole run on `threads` threads; its wall time in seconds, or -1.
  double Run(int threads, int64_t* rows, int64_t* pairs) {
    BatchOptions o;
    o.manifest = (dir_ / "manifest.jsonl").string();
    o.threads = threads;
    o.out_dir = (dir_ / StrCat("out", run_++)).string();
    const auto start = std::chrono::steady_clock::now();
    auto stats = RunBatch(SharedEngine(), o);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    fs::remove_all(o.out_dir);
    if (!stats.ok() || stats->rows_failed != 0) return -1;
    *rows += stats->rows_done;
    *pairs += stats->pairs;
    return seconds;
  }

 private:
  fs::path dir_;
  int run_ = 0;
};

void BM_Batch(benchmark::State& state) {
  Archive archive;
  int64_t rows = 0, pairs = 0;
  for (auto _ : state) {
    const double seconds = archive.Run(static_cast<int>(state.range(0)), &rows, &pairs);
    if (seconds < 0) {
      state.SkipWithError("batch failed");
      break;
    }
    state.SetIterationTime(seconds);
  }
  state.counters["rows_per_s"] = benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsRate);
  state.counters["pairs_per_row"] = rows > 0 ? static_cast<double>(pairs) / static_cast<double>(rows) : 0;
}
BENCHMARK(BM_Batch)->Arg(1)->Arg(2)->UseManualTime()->Unit(benchmark::kMillisecond)->MinTime(5);

// The 2-thread speed-up measured side by side: each iteration runs the
// manifest on 1 thread and then on 2, so that the machine's drift (shared,
// noisy) falls on both. speedup = (rows/s on 2 threads) / (rows/s on 1).
void BM_BatchScaling(benchmark::State& state) {
  Archive archive;
  int64_t rows1 = 0, rows2 = 0, pairs = 0;
  double seconds1 = 0, seconds2 = 0;
  for (auto _ : state) {
    const double one = archive.Run(1, &rows1, &pairs);
    const double two = archive.Run(2, &rows2, &pairs);
    if (one < 0 || two < 0) {
      state.SkipWithError("batch failed");
      break;
    }
    seconds1 += one;
    seconds2 += two;
    state.SetIterationTime(one + two);
  }
  const double rate1 = seconds1 > 0 ? static_cast<double>(rows1) / seconds1 : 0;
  const double rate2 = seconds2 > 0 ? static_cast<double>(rows2) / seconds2 : 0;
  state.counters["rows_per_s_1"] = rate1;
  state.counters["rows_per_s_2"] = rate2;
  state.counters["speedup"] = rate1 > 0 ? rate2 / rate1 : 0;
}
BENCHMARK(BM_BatchScaling)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace quotematch

BENCHMARK_MAIN();
