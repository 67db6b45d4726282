// File: batch/batch.cc
#include "batch/batch.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <google/protobuf/util/json_util.h>

#include "absl/container/flat_hash_map.h"
#include "base/file.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "quotematch/v1/batch.pb.h"
#include "server/handlers.h"

namespace quotematch {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kCheckpointVersion = 1;
constexpr size_t kMaxManifestErrors = 10;   // reported before giving up on a manifest
constexpr size_t kWriteBuffer = 1 << 20;    // output bytes buffered before a write(2)
constexpr int64_t kWindowPerThread = 32;    // rows a thread may run ahead of the commit point

std::string ErrnoText(int err) { return std::string(std::strerror(err)); }

// 64-bit FNV-1a, streamed: the manifest's fingerprint in the checkpoint.
struct Fnv64 {
  uint64_t h = 0xcbf29ce484222325ULL;
  void Add(std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 0x100000001b3ULL;
    }
  }
};

// A row of this shard: where its line is in the manifest.
struct RowRef {
  uint64_t offset = 0;
  uint32_t length = 0;
  uint64_t line = 0;   // 1-based
};

struct Manifest {
  std::vector<RowRef> rows;   // this shard's, in manifest order
  int64_t total_rows = 0;     // all shards'
  uint64_t bytes = 0;
  uint64_t fingerprint = 0;
};

google::protobuf::util::JsonParseOptions StrictJson() {
  google::protobuf::util::JsonParseOptions o;
  o.ignore_unknown_fields = false;
  return o;
}

// Reads the whole manifest once: checks that every line names its row,
// keeps where this shard's lines are, and fingerprints the bytes.
absl::StatusOr<Manifest> ScanManifest(const BatchOptions& options, const Engine& engine) {
  FILE* f = std::fopen(options.manifest.c_str(), "rb");
  if (f == nullptr) {
    return absl::InvalidArgumentError(StrCat("manifest: cannot open ", options.manifest, ": ", ErrnoText(errno)));
  }
  Manifest m;
  Fnv64 fp;
  std::vector<std::string> errors;
  absl::flat_hash_map<std::string, uint64_t> first_line;   // id → the line that has it
  std::string line;
  char* buf = nullptr;
  size_t cap = 0;
  uint64_t offset = 0, line_no = 0;
  ssize_t n;
  const auto json = StrictJson();
  while ((n = getline(&buf, &cap, f)) > 0) {
    ++line_no;
    line.assign(buf, static_cast<size_t>(n));
    fp.Add(line);
    const uint64_t start = offset;
    offset += static_cast<uint64_t>(n);
    std::string_view text = Strip(line);
    if (text.empty()) continue;
    auto error = [&](std::string_view what) {
      if (errors.size() < kMaxManifestErrors) errors.push_back(StrCat(options.manifest, ":", line_no, ": ", what));
    };
    v1::BatchRow row;
    auto parsed = google::protobuf::util::JsonStringToMessage(std::string(text), &row, json);
    const int64_t index = m.total_rows++;
    if (!parsed.ok()) {
      error(StrCat("not a BatchRow: ", parsed.message().as_string()));
      continue;
    }
    if (row.id().empty()) {
      error("id: required");
      continue;
    }
    if (row.id().size() > engine.options().max_id_bytes) {
      error(StrCat("id: ", row.id().size(), " bytes; the limit is ", engine.options().max_id_bytes));
      continue;
    }
    if (auto [it, added] = first_line.try_emplace(row.id(), line_no); !added) {
      error(StrCat("id: '", row.id(), "' repeats line ", it->second));
      continue;
    }
    if (text.size() > UINT32_MAX) {
      error("line longer than 4 GiB");
      continue;
    }
    if (index % options.shard_count == options.shard_index) {
      m.rows.push_back({start, static_cast<uint32_t>(line.size()), line_no});
    }
  }
  const bool read_error = std::ferror(f);
  std::free(buf);
  std::fclose(f);
  if (read_error) return absl::InvalidArgumentError(StrCat("manifest: read error in ", options.manifest));
  if (!errors.empty()) {
    return absl::InvalidArgumentError(StrCat("manifest: ", errors.size() == kMaxManifestErrors ? "at least " : "",
                                             errors.size(), " bad lines, nothing aligned:\n  ",
                                             StrJoin(errors, "\n  ")));
  }
  m.bytes = offset;
  m.fingerprint = fp.h;
  return m;
}

// Opens `path` for reading, beneath the directory `base_fd`: the kernel
// refuses absolute paths and any "..", or symbolic link, that resolves
// outside it (openat2 RESOLVE_BENEATH, Linux 5.6).
// Where openat2 is missing (ENOSYS: an old kernel, or a container's seccomp
// profile), the resolved path is checked against the base directory
// instead; that check and the open are two steps, so a link swapped in
// between could escape: prefer kernels and profiles with openat2.
int OpenBeneath(int base_fd, const std::string& path) {
  struct open_how how = {};
  how.flags = O_RDONLY | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  int fd = static_cast<int>(syscall(SYS_openat2, base_fd, path.c_str(), &how, sizeof how));
  if (fd >= 0 || errno != ENOSYS) return fd;
  if (path.front() == '/') {
    errno = EXDEV;
    return -1;
  }
  char base[PATH_MAX], target[PATH_MAX];
  const std::string self = StrCat("/proc/self/fd/", base_fd);
  if (realpath(self.c_str(), base) == nullptr) return -1;
  const std::string joined = StrCat(base, "/", path);
  if (realpath(joined.c_str(), target) == nullptr) return -1;
  const std::string_view root(base), resolved(target);
  if (!(resolved.starts_with(root) && resolved.size() > root.size() && resolved[root.size()] == '/')) {
    errno = EXDEV;
    return -1;
  }
  return open(target, O_RDONLY | O_CLOEXEC);
}

// The text of a row's document, or why not (the status names `field`).
absl::StatusOr<std::string> DocumentText(const v1::BatchDocument& doc, std::string_view field, int base_fd,
                                         size_t max_bytes) {
  switch (doc.content_case()) {
    case v1::BatchDocument::kText:
      return doc.text();
    case v1::BatchDocument::CONTENT_NOT_SET:
      return absl::InvalidArgumentError(StrCat(field, ": a path or a text is required"));
    case v1::BatchDocument::kPath:
      break;
  }
  const std::string& path = doc.path();
  if (path.empty()) return absl::InvalidArgumentError(StrCat(field, ".path: empty"));
  int fd = OpenBeneath(base_fd, path);
  if (fd < 0) {
    const int err = errno;
    if (err == EXDEV || (err == ELOOP && path.front() != '/')) {
      return absl::InvalidArgumentError(StrCat(field, ".path: '", path, "' leads outside the base directory"));
    }
    if (err == ENOENT) return absl::NotFoundError(StrCat(field, ".path: '", path, "' does not exist"));
    return absl::InvalidArgumentError(StrCat(field, ".path: cannot open '", path, "': ", ErrnoText(err)));
  }
  std::string text;
  struct stat st;
  absl::Status status;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    status = absl::InvalidArgumentError(StrCat(field, ".path: '", path, "' is not a regular file"));
  } else if (static_cast<uint64_t>(st.st_size) > max_bytes) {
    status = absl::ResourceExhaustedError(
        StrCat(field, ".path: '", path, "' is ", st.st_size, " bytes; the limit is ", max_bytes));
  } else {
    text.resize(static_cast<size_t>(st.st_size));
    size_t got = 0;
    while (got < text.size()) {
      ssize_t r = read(fd, text.data() + got, text.size() - got);
      if (r <= 0) {
        if (r < 0 && errno == EINTR) continue;
        status = absl::InvalidArgumentError(StrCat(field, ".path: read error in '", path, "'"));
        break;
      }
      got += static_cast<size_t>(r);
    }
  }
  close(fd);
  if (!status.ok()) return status;
  return text;
}

void FillDocument(const v1::BatchDocument& in, std::string text, const std::string& default_id,
                  v1::Language language, v1::Document* out) {
  out->set_id(in.id().empty() ? default_id : in.id());
  out->set_language(language);
  out->set_text(std::move(text));
  if (in.has_published_time()) *out->mutable_published_time() = in.published_time();
  out->set_source(in.source());
}

// One row's output lines.
struct RowResult {
  std::string pairs, errors;
  int64_t pair_count = 0;
  bool failed = false;
};

std::string ToJsonLine(const google::protobuf::Message& m) {
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(m, &json);
  json.push_back('\n');
  return json;
}

// "english.path: ..." → "english.path"; empty when the message names no field.
std::string FieldOf(std::string_view message) {
  size_t colon = message.find(": ");
  if (colon == std::string_view::npos) return "";
  std::string_view head = message.substr(0, colon);
  for (char c : head) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '[' || c == ']')) return "";
  }
  return std::string(head);
}

// Writes a whole buffer, retrying short writes.
absl::Status WriteAll(int fd, std::string_view data, const std::string& name) {
  while (!data.empty()) {
    ssize_t w = write(fd, data.data(), data.size());
    if (w < 0) {
      if (errno == EINTR) continue;
      return absl::UnavailableError(StrCat("cannot write ", name, ": ", ErrnoText(errno)));
    }
    data.remove_prefix(static_cast<size_t>(w));
  }
  return absl::OkStatus();
}

// An output file written through a buffer; Sync makes what was appended
// durable and returns its length.
class OutputFile {
 public:
  ~OutputFile() {
    if (fd_ >= 0) close(fd_);
  }
  absl::Status Open(const std::string& path, uint64_t keep_bytes) {
    path_ = path;
    fd_ = open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) return absl::UnavailableError(StrCat("cannot open ", path, ": ", ErrnoText(errno)));
    struct stat st;
    if (fstat(fd_, &st) != 0) return absl::UnavailableError(StrCat("cannot stat ", path));
    if (static_cast<uint64_t>(st.st_size) < keep_bytes) {
      return absl::FailedPreconditionError(StrCat(path, " is ", st.st_size, " bytes but the checkpoint says ",
                                                  keep_bytes, ": it was changed since; start over"));
    }
    if (ftruncate(fd_, static_cast<off_t>(keep_bytes)) != 0 || lseek(fd_, 0, SEEK_END) < 0) {
      return absl::UnavailableError(StrCat("cannot truncate ", path, ": ", ErrnoText(errno)));
    }
    length_ = keep_bytes;
    return absl::OkStatus();
  }
  absl::Status Append(std::string_view s) {
    buffer_.append(s);
    length_ += s.size();
    if (buffer_.size() < kWriteBuffer) return absl::OkStatus();
    return Flush();
  }
  absl::Status Sync() {
    RETURN_IF_ERROR(Flush());
    if (fdatasync(fd_) != 0) return absl::UnavailableError(StrCat("cannot sync ", path_, ": ", ErrnoText(errno)));
    return absl::OkStatus();
  }
  uint64_t length() const { return length_; }

 private:
  absl::Status Flush() {
    RETURN_IF_ERROR(WriteAll(fd_, buffer_, path_));
    buffer_.clear();
    return absl::OkStatus();
  }
  std::string path_;
  int fd_ = -1;
  std::string buffer_;
  uint64_t length_ = 0;
};

// What a checkpoint records.
struct Checkpoint {
  uint64_t manifest_bytes = 0, manifest_fingerprint = 0;
  int shard_index = 0, shard_count = 1;
  double min_score = 0;
  int64_t rows = 0, rows_done = 0, rows_failed = 0, pairs = 0;
  uint64_t pairs_bytes = 0, errors_bytes = 0;
};

std::string CheckpointText(const Checkpoint& c) {
  char fingerprint[17];
  std::snprintf(fingerprint, sizeof fingerprint, "%016llx", static_cast<unsigned long long>(c.manifest_fingerprint));
  return StrCat("{\"version\":", kCheckpointVersion, ",\"manifest_bytes\":", c.manifest_bytes,
                ",\"manifest_fingerprint\":\"", fingerprint, "\",\"shard_index\":", c.shard_index,
                ",\"shard_count\":", c.shard_count, ",\"min_score\":", c.min_score, ",\"rows\":", c.rows,
                ",\"rows_done\":", c.rows_done, ",\"rows_failed\":", c.rows_failed, ",\"pairs\":", c.pairs,
                ",\"pairs_bytes\":", c.pairs_bytes, ",\"errors_bytes\":", c.errors_bytes, "}\n");
}

// Reads the value after "key": in our own flat JSON object.
std::optional<std::string_view> JsonField(std::string_view text, std::string_view key) {
  std::string needle = StrCat("\"", key, "\":");
  size_t at = text.find(needle);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = text.substr(at + needle.size());
  size_t end = rest.find_first_of(",}");
  std::string_view v = rest.substr(0, end);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  return v;
}

absl::StatusOr<Checkpoint> ParseCheckpoint(const std::string& text, const std::string& path) {
  Checkpoint c;
  auto bad = [&](std::string_view key) {
    return absl::FailedPreconditionError(StrCat(path, ": not a checkpoint of this version (", key, ")"));
  };
  auto integer = [&](std::string_view key, auto* out) -> bool {
    auto v = JsonField(text, key);
    double x = 0;
    if (!v || !ParseDouble(*v, &x) || x < 0) return false;
    *out = static_cast<std::remove_pointer_t<decltype(out)>>(x);
    return true;
  };
  int version = 0;
  if (!integer("version", &version) || version != kCheckpointVersion) return bad("version");
  auto fingerprint = JsonField(text, "manifest_fingerprint");
  if (!fingerprint) return bad("manifest_fingerprint");
  c.manifest_fingerprint = std::strtoull(std::string(*fingerprint).c_str(), nullptr, 16);
  auto min_score = JsonField(text, "min_score");
  if (!min_score || !ParseDouble(*min_score, &c.min_score)) return bad("min_score");
  // Integers go through double: exact below 2^53, far above any count here.
  if (!integer("manifest_bytes", &c.manifest_bytes)) return bad("manifest_bytes");
  if (!integer("shard_index", &c.shard_index)) return bad("shard_index");
  if (!integer("shard_count", &c.shard_count)) return bad("shard_count");
  if (!integer("rows", &c.rows)) return bad("rows");
  if (!integer("rows_done", &c.rows_done)) return bad("rows_done");
  if (!integer("rows_failed", &c.rows_failed)) return bad("rows_failed");
  if (!integer("pairs", &c.pairs)) return bad("pairs");
  if (!integer("pairs_bytes", &c.pairs_bytes)) return bad("pairs_bytes");
  if (!integer("errors_bytes", &c.errors_bytes)) return bad("errors_bytes");
  return c;
}

absl::Status SyncDirectory(const std::string& dir) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return absl::UnavailableError(StrCat("cannot open ", dir, ": ", ErrnoText(errno)));
  int rc = fsync(fd);
  close(fd);
  if (rc != 0) return absl::UnavailableError(StrCat("cannot sync ", dir, ": ", ErrnoText(errno)));
  return absl::OkStatus();
}

// Replaces `path` with `text` atomically: a crash leaves the old file or
// the new one, never a mix.
absl::Status ReplaceFile(const std::string& path, const std::string& dir, std::string_view text) {
  const std::string tmp = StrCat(path, ".tmp");
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return absl::UnavailableError(StrCat("cannot open ", tmp, ": ", ErrnoText(errno)));
  absl::Status st = WriteAll(fd, text, tmp);
  if (st.ok() && fsync(fd) != 0) st = absl::UnavailableError(StrCat("cannot sync ", tmp, ": ", ErrnoText(errno)));
  close(fd);
  RETURN_IF_ERROR(st);
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::UnavailableError(StrCat("cannot rename ", tmp, ": ", ErrnoText(errno)));
  }
  return SyncDirectory(dir);
}

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

std::string ShardPrefix(const BatchOptions& o) {
  if (o.shard_count == 1) return "";
  char s[48];
  std::snprintf(s, sizeof s, "shard-%05d-of-%05d.", o.shard_index, o.shard_count);
  return s;
}

absl::Status ValidateOptions(const BatchOptions& o) {
  if (o.manifest.empty()) return absl::InvalidArgumentError("manifest: required");
  if (o.out_dir.empty()) return absl::InvalidArgumentError("out: required");
  if (o.threads < 1) return absl::InvalidArgumentError("threads: must be >= 1");
  if (o.shard_count < 1 || o.shard_index < 0 || o.shard_index >= o.shard_count) {
    return absl::InvalidArgumentError(StrCat("shard: ", o.shard_index, "/", o.shard_count, " is not I/N with 0 <= I < N"));
  }
  if (!(o.min_score >= 0 && o.min_score <= 1)) return absl::InvalidArgumentError("min_score: must be in [0, 1]");
  if (!(o.checkpoint_seconds > 0)) return absl::InvalidArgumentError("checkpoint_seconds: must be > 0");
  return absl::OkStatus();
}

// One run: the workers, the in-order commit and the checkpoints.
class BatchRun {
 public:
  BatchRun(const Engine& engine, const BatchOptions& options, Manifest manifest, int base_fd, int manifest_fd)
      : engine_(engine), options_(options), manifest_(std::move(manifest)), base_fd_(base_fd),
        manifest_fd_(manifest_fd), files_(BatchFileNames(options)) {}

  absl::Status Start() {
    checkpoint_.manifest_bytes = manifest_.bytes;
    checkpoint_.manifest_fingerprint = manifest_.fingerprint;
    checkpoint_.shard_index = options_.shard_index;
    checkpoint_.shard_count = options_.shard_count;
    checkpoint_.min_score = options_.min_score;
    checkpoint_.rows = static_cast<int64_t>(manifest_.rows.size());
    const bool any = Exists(files_.pairs) || Exists(files_.errors) || Exists(files_.checkpoint);
    if (any && !options_.resume) {
      return absl::FailedPreconditionError(StrCat(
          "out: ", options_.out_dir, " already holds this job's output (", files_.checkpoint,
          "); pass --resume to continue it, or remove it"));
    }
    if (options_.resume && Exists(files_.checkpoint)) {
      std::string text;
      if (!ReadFileToString(files_.checkpoint, &text)) {
        return absl::UnavailableError(StrCat("cannot read ", files_.checkpoint));
      }
      ASSIGN_OR_RETURN(Checkpoint saved, ParseCheckpoint(text, files_.checkpoint));
      if (saved.manifest_bytes != checkpoint_.manifest_bytes ||
          saved.manifest_fingerprint != checkpoint_.manifest_fingerprint) {
        return absl::FailedPreconditionError(
            StrCat(files_.checkpoint, " was made for another manifest (or this one changed since)"));
      }
      if (saved.shard_index != checkpoint_.shard_index || saved.shard_count != checkpoint_.shard_count ||
          saved.min_score != checkpoint_.min_score || saved.rows != checkpoint_.rows ||
          saved.rows_done > saved.rows) {
        return absl::FailedPreconditionError(
            StrCat(files_.checkpoint, " was made with other options (--shard, --min-score)"));
      }
      checkpoint_ = saved;
    }
    // With no checkpoint nothing was committed: any output is discarded.
    RETURN_IF_ERROR(pairs_.Open(files_.pairs, checkpoint_.pairs_bytes));
    RETURN_IF_ERROR(errors_.Open(files_.errors, checkpoint_.errors_bytes));
    resumed_ = checkpoint_.rows_done;
    next_ = committed_ = resumed_;
    return WriteCheckpointLocked();
  }

  absl::Status Run(const BatchProgress& progress, double interval) {
    start_ = last_checkpoint_ = Clock::now();
    std::thread reporter;
    std::mutex report_mu;
    std::condition_variable report_cv;
    bool finished = false;
    if (progress) {
      reporter = std::thread([&] {
        std::unique_lock<std::mutex> lock(report_mu);
        while (!report_cv.wait_for(lock, std::chrono::duration<double>(interval), [&] { return finished; })) {
          progress(Stats(), false);
        }
      });
    }
    std::vector<std::thread> workers;
    for (int i = 0; i < options_.threads; ++i) workers.emplace_back([this] { Work(); });
    for (auto& t : workers) t.join();
    absl::Status status;
    {
      std::lock_guard<std::mutex> lock(mu_);
      status = error_;
      if (status.ok()) status = WriteCheckpointLocked();
      if (status.ok() && committed_ < checkpoint_.rows) {
        status = absl::CancelledError(StrCat("stopped after ", committed_, " of ", checkpoint_.rows,
                                             " rows; the checkpoint is written: rerun with --resume"));
      }
    }
    if (progress) {
      {
        std::lock_guard<std::mutex> lock(report_mu);
        finished = true;
      }
      report_cv.notify_all();
      reporter.join();
      progress(Stats(), true);
    }
    return status;
  }

  BatchStats Stats() {
    std::lock_guard<std::mutex> lock(mu_);
    BatchStats s;
    s.rows = checkpoint_.rows;
    s.rows_done = committed_;
    s.rows_resumed = resumed_;
    s.rows_failed = failed_total_;
    s.pairs = pairs_total_;
    s.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    return s;
  }

 private:
  void Work() {
    const int64_t window = kWindowPerThread * options_.threads;
    while (true) {
      int64_t index;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return next_ < committed_ + window || !error_.ok(); });
        if (next_ >= checkpoint_.rows || !error_.ok() || Stopping()) return;
        index = next_++;
      }
      RowResult result = Align(manifest_.rows[static_cast<size_t>(index)]);
      std::lock_guard<std::mutex> lock(mu_);
      ready_.emplace(index, std::move(result));
      CommitLocked();
      cv_.notify_all();
    }
  }

  bool Stopping() const { return options_.stop != nullptr && options_.stop->load(std::memory_order_relaxed); }

  // Appends every finished row that is next in order.
  void CommitLocked() {
    while (error_.ok()) {
      auto it = ready_.find(committed_);
      if (it == ready_.end()) break;
      RowResult& r = it->second;
      absl::Status st = pairs_.Append(r.pairs);
      if (st.ok()) st = errors_.Append(r.errors);
      if (!st.ok()) {
        error_ = st;
        return;
      }
      pairs_total_ += r.pair_count;
      failed_total_ += r.failed ? 1 : 0;
      ready_.erase(it);
      ++committed_;
    }
    if (Clock::now() - last_checkpoint_ >= std::chrono::duration<double>(options_.checkpoint_seconds)) {
      absl::Status st = WriteCheckpointLocked();
      if (!st.ok()) error_ = st;
    }
  }

  absl::Status WriteCheckpointLocked() {
    RETURN_IF_ERROR(pairs_.Sync());
    RETURN_IF_ERROR(errors_.Sync());
    checkpoint_.rows_done = committed_;
    checkpoint_.rows_failed = failed_total_;
    checkpoint_.pairs = pairs_total_;
    checkpoint_.pairs_bytes = pairs_.length();
    checkpoint_.errors_bytes = errors_.length();
    last_checkpoint_ = Clock::now();
    return ReplaceFile(files_.checkpoint, options_.out_dir, CheckpointText(checkpoint_));
  }

  RowResult Align(const RowRef& ref) {
    RowResult out;
    std::string line(ref.length, '\0');
    v1::BatchRow row;
    absl::Status st;
    if (pread(manifest_fd_, line.data(), line.size(), static_cast<off_t>(ref.offset)) !=
        static_cast<ssize_t>(line.size())) {
      st = absl::InternalError(StrCat("cannot read line ", ref.line, " of the manifest"));
    } else {
      // ScanManifest parsed this line already.
      (void)google::protobuf::util::JsonStringToMessage(std::string(Strip(line)), &row, StrictJson());
      st = AlignRow(row, &out);
    }
    if (!st.ok()) {
      v1::BatchError e;
      e.set_row_id(row.id());
      e.set_line(ref.line);
      e.set_code(static_cast<int32_t>(st.code()));
      e.set_field(FieldOf(AsStd(st.message())));
      e.set_message(std::string(AsStd(st.message())));
      out.errors = ToJsonLine(e);
      out.pairs.clear();
      out.pair_count = 0;
      out.failed = true;
    }
    return out;
  }

  absl::Status AlignRow(const v1::BatchRow& row, RowResult* out) {
    if (!row.has_english()) return absl::InvalidArgumentError("english: required");
    if (!row.has_persian()) return absl::InvalidArgumentError("persian: required");
    const size_t limit = engine_.options().max_document_bytes;
    ASSIGN_OR_RETURN(std::string en, DocumentText(row.english(), "english", base_fd_, limit));
    ASSIGN_OR_RETURN(std::string fa, DocumentText(row.persian(), "persian", base_fd_, limit));
    v1::AlignDocumentsRequest request;
    FillDocument(row.english(), std::move(en), StrCat(row.id(), ".en"), v1::LANGUAGE_ENGLISH,
                 request.mutable_english());
    FillDocument(row.persian(), std::move(fa), StrCat(row.id(), ".fa"), v1::LANGUAGE_PERSIAN,
                 request.mutable_persian());
    request.set_min_score(options_.min_score);
    std::vector<v1::AlignDocumentsResponse> responses;
    grpc::Status g = HandleAlignDocuments(engine_, request, &responses);
    if (!g.ok()) return absl::Status(static_cast<absl::StatusCode>(g.error_code()), g.error_message());
    v1::BatchPair line;
    line.set_row_id(row.id());
    for (auto& r : responses) {
      if (!r.has_pair()) continue;
      line.mutable_pair()->Swap(r.mutable_pair());
      out->pairs += ToJsonLine(line);
      ++out->pair_count;
    }
    return absl::OkStatus();
  }

  const Engine& engine_;
  const BatchOptions& options_;
  const Manifest manifest_;
  const int base_fd_, manifest_fd_;
  const BatchFiles files_;

  std::mutex mu_;
  std::condition_variable cv_;
  int64_t next_ = 0;            // next row index to hand out
  int64_t committed_ = 0;       // rows [0, committed_) are in the files
  int64_t resumed_ = 0;
  int64_t pairs_total_ = 0, failed_total_ = 0;
  absl::flat_hash_map<int64_t, RowResult> ready_;   // finished, waiting for earlier rows
  absl::Status error_;
  OutputFile pairs_, errors_;
  Checkpoint checkpoint_;
  Clock::time_point start_, last_checkpoint_;
};

// Closes a file descriptor on scope exit.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

}  // namespace

BatchFiles BatchFileNames(const BatchOptions& options) {
  const std::string prefix = StrCat(options.out_dir, "/", ShardPrefix(options));
  return {StrCat(prefix, "pairs.jsonl"), StrCat(prefix, "errors.jsonl"), StrCat(prefix, "checkpoint.json")};
}

absl::StatusOr<BatchStats> RunBatch(const Engine& engine, const BatchOptions& options,
                                    const BatchProgress& progress, double progress_interval) {
  RETURN_IF_ERROR(ValidateOptions(options));
  std::string base = options.base_dir;
  if (base.empty()) {
    base = std::filesystem::path(options.manifest).parent_path().string();
    if (base.empty()) base = ".";
  }
  Fd base_fd{open(base.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (base_fd.fd < 0) {
    return absl::InvalidArgumentError(StrCat("base_dir: cannot open ", base, ": ", ErrnoText(errno)));
  }
  ASSIGN_OR_RETURN(Manifest manifest, ScanManifest(options, engine));
  Fd manifest_fd{open(options.manifest.c_str(), O_RDONLY | O_CLOEXEC)};
  if (manifest_fd.fd < 0) {
    return absl::InvalidArgumentError(StrCat("manifest: cannot open ", options.manifest, ": ", ErrnoText(errno)));
  }
  std::error_code ec;
  std::filesystem::create_directories(options.out_dir, ec);
  if (ec) return absl::UnavailableError(StrCat("out: cannot create ", options.out_dir, ": ", ec.message()));
  BatchRun run(engine, options, std::move(manifest), base_fd.fd, manifest_fd.fd);
  RETURN_IF_ERROR(run.Start());
  RETURN_IF_ERROR(run.Run(progress, progress_interval));
  return run.Stats();
}

}  // namespace quotematch
