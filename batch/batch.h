// File: batch/batch.h
//
// Batch alignment over an archive: a JSONL manifest of article pairs in,
// matched pairs and per-row errors out, on N threads, resumable after a
// crash. `quotematch batch` is a thin command over RunBatch; docs/batch.md
// is the user's guide.
//
//   BatchOptions o;
//   o.manifest = "archive.jsonl";
//   o.out_dir = "out";
//   o.threads = 2;
//   ASSIGN_OR_RETURN(BatchStats stats, RunBatch(engine, o));
//   // out/pairs.jsonl, out/errors.jsonl, out/checkpoint.json
//
// Rows: the manifest's non-blank lines, each a quotematch.v1.BatchRow in the
// protobuf JSON mapping. The manifest is checked whole before any row is
// aligned; a line that is not a BatchRow, a row without id or a repeated id
// is a manifest error (INVALID_ARGUMENT, nothing written). Problems of one
// row (a missing file, a path outside the base directory, a document the
// engine refuses) are that row's BatchError line; the job goes on.
//
// Shards: with shard_count N, shard I takes the rows whose index (0-based,
// in manifest order) is I mod N, and names its files after the shard
// (shard-00003-of-00008.pairs.jsonl, ...), so N jobs can share an output
// directory.
//
// Output order is the manifest's, whatever the thread count: a run's files
// are byte-identical to any other run's on the same manifest and options.
//
// Checkpoints: every checkpoint_seconds the output files are synced and
// the checkpoint (rows done, the files' lengths, the manifest's
// fingerprint) is replaced atomically (write, fsync, rename). `resume`
// truncates the files to the checkpoint's lengths and goes on from the next
// row, so a run killed at any moment and resumed writes exactly what an
// uninterrupted run writes. Without `resume`, existing output is an error
// (FAILED_PRECONDITION), never overwritten.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "pipeline/engine.h"

namespace quotematch {

struct BatchOptions {
  std::string manifest;         // path of the JSONL manifest
  std::string out_dir;          // created if missing
  std::string base_dir;         // documents' paths are confined to it; empty: the manifest's directory
  int threads = 1;              // aligning threads (>= 1)
  int shard_index = 0;          // this job's share: rows with index % shard_count == shard_index
  int shard_count = 1;
  bool resume = false;          // continue from out_dir's checkpoint, if there is one
  double min_score = 0;         // AlignDocumentsRequest.min_score
  double checkpoint_seconds = 1;
  // Asked to stop (a signal): rows in flight finish, the checkpoint is
  // written, RunBatch returns CANCELLED.
  const std::atomic<bool>* stop = nullptr;
};

// Counts for this shard. Rows done include those done by earlier runs.
struct BatchStats {
  int64_t rows = 0;             // rows in this shard
  int64_t rows_done = 0;        // aligned or failed, and committed
  int64_t rows_resumed = 0;     // of rows_done, done before this run
  int64_t rows_failed = 0;      // rows with an error line
  int64_t pairs = 0;            // pair lines written
  double seconds = 0;           // this run's wall time
};

// Called from a progress thread about every `interval` seconds, and once at
// the end with final = true.
using BatchProgress = std::function<void(const BatchStats& now, bool final)>;

struct BatchFiles {
  std::string pairs, errors, checkpoint;
};
BatchFiles BatchFileNames(const BatchOptions& options);

// Errors: INVALID_ARGUMENT for options and manifest errors (the message
// names the line and field); FAILED_PRECONDITION for output that exists
// without `resume`, or a checkpoint made for another manifest or options;
// UNAVAILABLE when the output cannot be written; CANCELLED when `stop` was
// raised (the checkpoint is written).
absl::StatusOr<BatchStats> RunBatch(const Engine& engine, const BatchOptions& options,
                                    const BatchProgress& progress = {}, double progress_interval = 1);

}  // namespace quotematch
