// File: client/batch_command.cc
#include "client/batch_command.h"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "base/strings.h"
#include "batch/batch.h"

namespace quotematch {
namespace {

constexpr char kBatchUsage[] = R"(usage: quotematch batch --manifest FILE --out DIR [OPTIONS]

Aligns every article pair of a JSONL manifest (one quotematch.v1.BatchRow per
line) and writes the pairs, one BatchPair per line, to DIR/pairs.jsonl and
rows that failed, one BatchError per line, to DIR/errors.jsonl. Output is in
manifest order whatever the thread count. See docs/batch.md.

Options:
  --manifest FILE        the manifest (required)
  --out DIR              output directory, created if missing (required)
  --base-dir DIR         documents' paths are relative to DIR and may not leave
                         it (default: the manifest's directory)
  --threads N            aligning threads (default: one per core)
  --shard I/N            process only rows I, I+N, I+2N, ... (0 <= I < N); files
                         are named shard-0000I-of-0000N.*
  --resume               continue from DIR's checkpoint (start afresh if none);
                         without it, existing output is an error
  --min-score X          score threshold of a pair, in [0, 1] (default: the
                         engine's, 0.5)
  --checkpoint-every S   seconds between checkpoints (default 1)
  --progress MODE        auto (a bar on a terminal, else lines), bar, lines or none
  --progress-every S     seconds between progress lines (default 10)
  -h, --help             this text

Exit codes:
  0  every row was processed and none failed
  1  internal error, or the output could not be written
  2  usage error, or a bad manifest (nothing aligned), or output that exists
     without --resume, or a checkpoint from another manifest or options
  3  every row was processed, and some failed (see the errors file)
  4  interrupted (SIGINT or SIGTERM): rows in flight were finished and the
     checkpoint written; rerun with --resume
)";

enum BatchExit { kOk = 0, kInternal = 1, kUsage = 2, kRowsFailed = 3, kInterrupted = 4 };

std::atomic<bool> g_stop{false};

extern "C" void OnStopSignal(int) { g_stop.store(true); }

int Usage(const std::string& error) {
  std::fprintf(stderr, "quotematch batch: %s\n\n%s", error.c_str(), kBatchUsage);
  return kUsage;
}

bool ParseWhole(std::string_view s, int* out) {
  double x = 0;
  if (!ParseDouble(s, &x) || x != static_cast<int>(x)) return false;
  *out = static_cast<int>(x);
  return true;
}

std::string Duration(double seconds) {
  if (!(seconds >= 0) || seconds > 360000) return "?";
  const int64_t s = static_cast<int64_t>(seconds + 0.5);
  char out[32];
  if (s >= 3600) {
    std::snprintf(out, sizeof out, "%lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                  static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  } else {
    std::snprintf(out, sizeof out, "%lld:%02lld", static_cast<long long>(s / 60), static_cast<long long>(s % 60));
  }
  return out;
}

// Rows per second of this run, and the time left at that rate.
void Rate(const BatchStats& s, double* rate, double* eta) {
  const double done = static_cast<double>(s.rows_done - s.rows_resumed);
  *rate = s.seconds > 0 ? done / s.seconds : 0;
  *eta = *rate > 0 ? static_cast<double>(s.rows - s.rows_done) / *rate : -1;
}

void ShowBar(const BatchStats& s, bool final) {
  constexpr int kWidth = 30;
  const double fraction = s.rows > 0 ? static_cast<double>(s.rows_done) / static_cast<double>(s.rows) : 1;
  const int filled = static_cast<int>(fraction * kWidth);
  double rate, eta;
  Rate(s, &rate, &eta);
  std::string bar = std::string(static_cast<size_t>(filled), '#') + std::string(static_cast<size_t>(kWidth - filled), '.');
  std::fprintf(stderr, "\r[%s] %5.1f%%  %lld/%lld rows  %.1f rows/s  ETA %s  failed %lld\033[K%s", bar.c_str(),
               100 * fraction, static_cast<long long>(s.rows_done), static_cast<long long>(s.rows), rate,
               Duration(eta).c_str(), static_cast<long long>(s.rows_failed), final ? "\n" : "");
}

void ShowLine(const BatchStats& s) {
  double rate, eta;
  Rate(s, &rate, &eta);
  std::fprintf(stderr, "batch: %lld/%lld rows (%.1f%%), %.1f rows/s, ETA %s, %lld failed, %lld pairs\n",
               static_cast<long long>(s.rows_done), static_cast<long long>(s.rows),
               s.rows > 0 ? 100.0 * static_cast<double>(s.rows_done) / static_cast<double>(s.rows) : 100.0, rate,
               Duration(eta).c_str(), static_cast<long long>(s.rows_failed), static_cast<long long>(s.pairs));
}

}  // namespace

int RunBatchCommand(int argc, char** argv) {
  BatchOptions o;
  o.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::string progress_mode = "auto";
  double progress_every = 10;
  std::vector<std::string> a(argv + 1, argv + argc);
  for (size_t i = 0; i < a.size(); ++i) {
    const std::string& s = a[i];
    if (s == "-h" || s == "--help") {
      std::fputs(kBatchUsage, stdout);
      return kOk;
    }
    if (s == "--resume") {
      o.resume = true;
      continue;
    }
    const size_t eq = s.find('=');
    const std::string name = s.substr(0, eq);
    std::string v;
    if (eq != std::string::npos) {
      v = s.substr(eq + 1);
    } else if (StartsWith(s, "--") && i + 1 < a.size()) {
      v = a[++i];
    } else {
      return Usage(StartsWith(s, "--") ? StrCat(s, " needs a value") : StrCat("unexpected argument '", s, "'"));
    }
    if (name == "--manifest") {
      o.manifest = v;
    } else if (name == "--out") {
      o.out_dir = v;
    } else if (name == "--base-dir") {
      o.base_dir = v;
    } else if (name == "--threads") {
      if (!ParseWhole(v, &o.threads) || o.threads < 1) return Usage("--threads must be a whole number >= 1");
    } else if (name == "--shard") {
      auto parts = Split(v, '/');
      if (parts.size() != 2 || !ParseWhole(parts[0], &o.shard_index) || !ParseWhole(parts[1], &o.shard_count) ||
          o.shard_count < 1 || o.shard_index < 0 || o.shard_index >= o.shard_count) {
        return Usage("--shard must be I/N with 0 <= I < N");
      }
    } else if (name == "--min-score") {
      if (!ParseDouble(v, &o.min_score) || o.min_score < 0 || o.min_score > 1)
        return Usage("--min-score must be a number in [0, 1]");
    } else if (name == "--checkpoint-every") {
      if (!ParseDouble(v, &o.checkpoint_seconds) || !(o.checkpoint_seconds > 0))
        return Usage("--checkpoint-every must be a positive number of seconds");
    } else if (name == "--progress") {
      progress_mode = v;
      if (v != "auto" && v != "bar" && v != "lines" && v != "none")
        return Usage("--progress must be auto, bar, lines or none");
    } else if (name == "--progress-every") {
      if (!ParseDouble(v, &progress_every) || !(progress_every > 0))
        return Usage("--progress-every must be a positive number of seconds");
    } else {
      return Usage(StrCat("unknown option ", name));
    }
  }
  if (o.manifest.empty()) return Usage("--manifest is required");
  if (o.out_dir.empty()) return Usage("--out is required");
  if (progress_mode == "auto") progress_mode = isatty(STDERR_FILENO) ? "bar" : "lines";

  struct sigaction sa = {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  o.stop = &g_stop;

  BatchProgress progress;
  double interval = progress_every;
  if (progress_mode == "bar") {
    progress = ShowBar;
    interval = 0.25;
  } else if (progress_mode == "lines") {
    progress = [](const BatchStats& s, bool) { ShowLine(s); };
  }
  Engine engine;
  auto stats = RunBatch(engine, o, progress, interval);
  if (!stats.ok()) {
    std::fprintf(stderr, "quotematch batch: %s\n", std::string(AsStd(stats.status().message())).c_str());
    switch (stats.status().code()) {
      case absl::StatusCode::kInvalidArgument:
      case absl::StatusCode::kFailedPrecondition: return kUsage;
      case absl::StatusCode::kCancelled: return kInterrupted;
      default: return kInternal;
    }
  }
  const BatchFiles files = BatchFileNames(o);
  std::fprintf(stderr, "batch: %lld rows (%lld done earlier), %lld failed, %lld pairs in %.1f s; pairs: %s, errors: %s\n",
               static_cast<long long>(stats->rows), static_cast<long long>(stats->rows_resumed),
               static_cast<long long>(stats->rows_failed), static_cast<long long>(stats->pairs), stats->seconds,
               files.pairs.c_str(), files.errors.c_str());
  return stats->rows_failed > 0 ? kRowsFailed : kOk;
}

}  // namespace quotematch
