// File: client/loadgen.cc
//
// quotematch-loadgen: a closed-loop load generator for a quotematch server,
// and a checker of the live feed's delivery guarantee.
//
//   taskset -c 1 quotematch-loadgen --target=127.0.0.1:50051 --concurrency=8 --mix=normalize=1
//   quotematch-loadgen --target=127.0.0.1:50051 --concurrency=4 --mix=align=1 --json
//   quotematch-loadgen --target=127.0.0.1:50051 --concurrency=0 --watchers=64 --events=10000
//
// Load: --concurrency workers each keep exactly one request in flight and
// issue the next one when it completes (closed loop), picking its kind by
// the --mix weights. Kinds:
//
//   normalize  Normalize on --normalize_file (default: ~1 KB of Persian cut
//              from --fa at a sentence boundary)
//   extract    ExtractStatements on --en and --fa, alternately
//   align      AlignDocuments on the --en/--fa pair; the stream must end with
//              one summary whose pair_count equals the pairs received
//   match      one MatchStream session: both documents, half-close, read to
//              the end; both must be accepted
//   ingest     one IngestDocuments call storing one generated matching pair
//              (needs a server with --db)
//
// Requests that start during --warmup are not counted; the others are,
// until --duration seconds later. For each kind the summary gives the count,
// the rate over --duration, latency p50/p90/p99/p99.9/max in milliseconds
// (log-linear histogram, < 0.8 % relative error) and the errors by gRPC status
// code name ("BAD_RESPONSE" for a stream that broke the proto's contract,
// "REJECTED" for a document the server refused). Errors are counted during
// warm-up too.
//
// Watch mode (--watchers=W > 0): the generator first ingests one probe pair
// and reads the feed's current last sequence S from its acknowledgement
// (the API has no "head" call; a WatchMatches from a high cursor only waits).
// It then opens W WatchMatches streams after S and ingests generated pairs
// through --ingest_streams IngestDocuments streams until E = --events match
// events have been published (last acknowledged sequence F ≥ S + E) — or,
// when load runs beside it (--concurrency > 0), until --duration ends. Every
// watcher must then receive S+1 .. F, each exactly once and in order; the
// summary prints each watcher's count, the losses, duplicates and
// reorderings, and the delivery latency (the event's recorded_unix_micros →
// receipt; same host clock).
//
// Connection: one grpc::Channel (one TCP connection) per --channels, workers
// spread over them; one completion queue per --threads, each polled by one
// thread, which runs every callback of its workers (so no locks on the hot
// path). With --tls_ca the channel uses TLS (plus mTLS with --tls_cert and
// --tls_key); every call carries "authorization: Bearer <token>" when a
// token is given, and "x-request-id: lg-<worker>-<n>".
//
// Output: a table on stdout; with --json, also one JSON object on the last
// line. Exit codes: 0 no unexpected error and nothing lost; 1 an error, a
// loss or no connection; 2 usage error.
#include <grpcpp/alarm.h>
#include <grpcpp/grpcpp.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <functional>
#include <atomic>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "base/strings.h"
#include "google/protobuf/arena.h"
#include "quotematch/v1/quotematch.grpc.pb.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051", "Server address, HOST:PORT");
ABSL_FLAG(int, concurrency, 8, "Closed-loop workers (0 = none; watch mode only)");
ABSL_FLAG(double, duration, 10, "Measured seconds, after the warm-up");
ABSL_FLAG(double, warmup, 2, "Seconds of load before measuring (not counted)");
ABSL_FLAG(std::string, mix, "normalize=1",
          "Weights of the request kinds: normalize, extract, align, match, ingest (e.g. normalize=3,align=1)");
ABSL_FLAG(std::string, normalize_file, "",
          "Text for Normalize (default: ~1 KB of --fa cut at a sentence boundary)");
ABSL_FLAG(std::string, en, "examples/border_talks.en.txt", "English sample document");
ABSL_FLAG(std::string, fa, "examples/border_talks.fa.txt", "Persian sample document");
ABSL_FLAG(int, threads, 1, "Client threads, each polling its own completion queue");
ABSL_FLAG(int, channels, 0, "Channels (TCP connections); 0 = one per worker, at most 16");
ABSL_FLAG(int, deadline_ms, 10000, "Deadline of each load call (0 = none)");
ABSL_FLAG(bool, json, false, "Also print the summary as one JSON object (last line)");
ABSL_FLAG(int, progress, 0, "Print a progress line to stderr every N seconds (0 = never)");
ABSL_FLAG(int, watchers, 0, "Watch mode: concurrent WatchMatches streams (0 = off)");
ABSL_FLAG(int64_t, events, 10000, "Watch mode: match events to publish (0 = until --duration ends)");
ABSL_FLAG(int, ingest_streams, 1, "Watch mode: concurrent IngestDocuments streams");
ABSL_FLAG(double, ingest_rate, 0, "Watch mode: documents per second over all streams (0 = closed loop)");
ABSL_FLAG(int, ingest_ids, 0,
          "Generated pairs reuse this many document ids (new versions replace old ones, so the feed's "
          "memory stays bounded in a soak); 0 = every pair new");
ABSL_FLAG(double, watch_timeout, 30, "Watch mode: seconds to wait for the watchers to catch up");
ABSL_FLAG(std::string, token, "", "Bearer token sent as 'authorization: Bearer <token>'");
ABSL_FLAG(std::string, token_file, "", "File holding the bearer token");
ABSL_FLAG(std::string, tls_ca, "", "PEM file of the server's CA: use TLS (default: insecure)");
ABSL_FLAG(std::string, tls_cert, "", "PEM client certificate chain (mTLS; needs --tls_key)");
ABSL_FLAG(std::string, tls_key, "", "PEM client private key (mTLS; needs --tls_cert)");
ABSL_FLAG(std::string, tls_server_name, "", "Expected server name in its certificate (TLS override)");

namespace quotematch {
namespace {

namespace v1 = ::quotematch::v1;
using Clock = std::chrono::steady_clock;
using Stub = v1::QuoteMatchService::Stub;

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

// ---------------------------------------------------------------- histogram

// Log-linear latency histogram over nanoseconds: exact below 256 ns, then
// 128 sub-buckets per power of two (relative error < 0.8 %), up to 2^44 ns.
class Histogram {
 public:
  static constexpr int kSubBits = 7;
  static constexpr int kBuckets = 256 + (44 - kSubBits) * 128;

  void Record(int64_t ns) {
    if (ns < 0) ns = 0;
    counts_[Index(static_cast<uint64_t>(ns))]++;
    ++total_;
    max_ = std::max(max_, ns);
  }
  void Merge(const Histogram& o) {
    for (int i = 0; i < kBuckets; ++i) counts_[i] += o.counts_[i];
    total_ += o.total_;
    max_ = std::max(max_, o.max_);
  }
  uint64_t total() const { return total_; }
  // Value at quantile q in [0, 1], in milliseconds (bucket midpoint); 0 when empty.
  double QuantileMs(double q) const {
    if (total_ == 0) return 0;
    const uint64_t rank = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * total_)));
    uint64_t seen = 0;
    for (int i = 0; i < kBuckets; ++i) {
      seen += counts_[i];
      if (seen >= rank) return std::min(Midpoint(i), static_cast<double>(max_)) / 1e6;
    }
    return max_ / 1e6;
  }
  double MaxMs() const { return max_ / 1e6; }

 private:
  static int Index(uint64_t v) {
    if (v < 256) return static_cast<int>(v);
    const int msb = 63 - std::countl_zero(v);
    const int shift = msb - kSubBits;
    const int index = 256 + (shift - 1) * 128 + static_cast<int>((v >> shift) - 128);
    return std::min(index, kBuckets - 1);
  }
  static double Midpoint(int i) {
    if (i < 256) return i;
    const int shift = (i - 256) / 128 + 1;
    const uint64_t sub = 128 + (i - 256) % 128;
    return (static_cast<double>(sub) + 0.5) * static_cast<double>(uint64_t{1} << shift);
  }

  std::vector<uint64_t> counts_ = std::vector<uint64_t>(kBuckets);
  uint64_t total_ = 0;
  int64_t max_ = 0;
};

// ------------------------------------------------------------------- kinds

enum Kind { kNormalize, kExtract, kAlign, kMatch, kIngest, kWatchIngest, kWatchDelivery, kKindCount };
constexpr std::array<std::string_view, kKindCount> kKindNames = {
    "normalize", "extract", "align", "match", "ingest", "watch_ingest", "watch_delivery"};
constexpr int kMixKinds = kIngest + 1;   // kinds a load worker may pick

struct KindStats {
  Histogram latency;   // successful requests started inside the window
  std::map<std::string, uint64_t> errors;
  void Merge(const KindStats& o) {
    latency.Merge(o.latency);
    for (const auto& [k, v] : o.errors) errors[k] += v;
  }
};

// Stats of one client thread: only that thread writes them; read after join.
struct ThreadStats {
  std::array<KindStats, kKindCount> kinds;
};

std::string_view StatusCodeName(grpc::StatusCode code) { return quotematch::StatusCodeName(static_cast<int>(code)); }

// ------------------------------------------------------------------ inputs

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  *out = s.str();
  return true;
}

// Reads `path`, or the same relative path under the source tree the binary
// was built from (so the defaults work from any directory).
bool ReadInput(const std::string& path, std::string* out, std::string* used) {
  *used = path;
  if (ReadFile(path, out)) return true;
#ifdef QM_SOURCE_DIR
  if (!path.empty() && path[0] != '/') {
    *used = std::string(QM_SOURCE_DIR) + "/" + path;
    if (ReadFile(*used, out)) return true;
  }
#endif
  *used = path;
  return false;
}

// About `target` bytes of `text` as one paragraph: the body without its
// title line, newlines folded to spaces, cut after the sentence end nearest
// to `target`.
std::string CutParagraph(const std::string& text, size_t target) {
  std::string body = text;
  if (size_t nl = body.find('\n'); nl != std::string::npos) body = body.substr(nl + 1);
  std::string flat;
  for (char c : body) {
    if (c == '\n' || c == '\r') {
      if (!flat.empty() && flat.back() != ' ') flat.push_back(' ');
    } else {
      flat.push_back(c);
    }
  }
  absl::string_view trimmed = absl::StripAsciiWhitespace(flat);
  flat = std::string(trimmed);
  size_t best = flat.size();
  size_t best_distance = SIZE_MAX;
  for (size_t i = 0; i < flat.size(); ++i) {
    // A sentence ends at '.', '!' or '?' / '؟' (U+061F), after a closing
    // guillemet '»' (U+00BB) if there is one, before a space or the end.
    size_t end = 0;
    if (flat[i] == '.' || flat[i] == '!' || flat[i] == '?') {
      end = i + 1;
    } else if (flat.compare(i, 2, "\xD8\x9F") == 0) {
      end = i + 2;
    } else {
      continue;
    }
    if (flat.compare(end, 2, "\xC2\xBB") == 0) end += 2;
    if (end < flat.size() && flat[end] != ' ') continue;
    const size_t distance = end > target ? end - target : target - end;
    if (distance < best_distance) {
      best_distance = distance;
      best = end;
    }
  }
  return flat.substr(0, best);
}

// Generated matching pairs for the live feed: pair i has a name, a place
// and a number on both sides; the number (unique per run) is what makes en-i
// and fa-i each other's best candidate. The Persian side writes the number
// in Persian digits for odd i.
struct Bilingual {
  const char* en;
  const char* fa;
};
constexpr Bilingual kPeople[] = {
    {"Ali Khan", "علی خان"},           {"Reza Amini", "رضا امینی"},         {"Hamid Karimi", "حمید کریمی"},
    {"Sara Ahmadi", "سارا احمدی"},     {"Maryam Hosseini", "مریم حسینی"},   {"Nasser Kanani", "ناصر کنعانی"},
    {"Kamran Rostami", "کامران رستمی"}, {"Leila Navabi", "لیلا نوابی"},      {"Omid Tehrani", "امید تهرانی"},
    {"Farid Zamani", "فرید زمانی"},     {"Alireza Moradi", "علیرضا مرادی"}, {"Hossein Rahimi", "حسین رحیمی"},
    {"Zahra Kazemi", "زهرا کاظمی"},     {"Mehdi Jafari", "مهدی جعفری"},     {"Narges Sadeghi", "نرگس صادقی"},
    {"Javad Mousavi", "جواد موسوی"},    {"Parisa Rezaei", "پریسا رضایی"},   {"Saeed Bagheri", "سعید باقری"},
};
constexpr Bilingual kPlaces[] = {
    {"Taftan", "تفتان"},   {"Saravan", "سراوان"}, {"Zahedan", "زاهدان"}, {"Mashhad", "مشهد"},
    {"Chabahar", "چابهار"}, {"Tabriz", "تبریز"},   {"Kerman", "کرمان"},   {"Bushehr", "بوشهر"},
};

std::string PersianDigits(const std::string& ascii) {
  std::string out;
  for (char c : ascii) {
    if (c >= '0' && c <= '9') {
      out += "\xDB";                               // U+06F0..U+06F9 EXTENDED ARABIC-INDIC DIGIT
      out.push_back(static_cast<char>(0xB0 + (c - '0')));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

class PairGenerator {
 public:
  // `run` tags the ids; `number_base` makes the numbers unique per run;
  // `id_slots` > 0 reuses that many ids (new versions of the same documents).
  PairGenerator(std::string run, int64_t number_base, int id_slots)
      : run_(std::move(run)), number_base_(number_base), id_slots_(id_slots) {}

  int64_t NextIndex() { return next_.fetch_add(1); }

  v1::Document Make(int64_t i, bool persian) const {
    const Bilingual& who = kPeople[i % std::size(kPeople)];
    const Bilingual& where = kPlaces[(i / 3) % std::size(kPlaces)];
    const std::string n = std::to_string(number_base_ + i);
    const int64_t slot = id_slots_ > 0 ? i % id_slots_ : i;
    v1::Document d;
    d.set_id(absl::StrCat("lg-", run_, "-", slot, persian ? "-fa" : "-en"));
    d.set_source("loadgen");
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    d.mutable_published_time()->set_seconds(std::chrono::duration_cast<std::chrono::seconds>(now).count());
    const bool trucks = (i / 2) % 2 == 0;
    if (!persian) {
      d.set_language(v1::LANGUAGE_ENGLISH);
      d.set_text(trucks ? absl::StrCat(who.en, " said: “", n, " trucks crossed the border at ", where.en,
                                       " on Friday and the crossing will stay open.”")
                        : absl::StrCat(who.en, " said: “", n,
                                       " people were killed in two explosions in a border village near ", where.en,
                                       ".”"));
    } else {
      const std::string fn = i % 2 ? PersianDigits(n) : n;
      d.set_language(v1::LANGUAGE_PERSIAN);
      d.set_text(trucks ? absl::StrCat(who.fa, " گفت: «", fn, " کامیون روز جمعه از مرز ", where.fa,
                                       " عبور کردند و این گذرگاه باز می‌ماند.»")
                        : absl::StrCat(who.fa, " گفت: «", fn, " نفر در دو انفجار در یک روستای مرزی نزدیک ",
                                       where.fa, " کشته شدند.»"));
    }
    return d;
  }

 private:
  const std::string run_;
  const int64_t number_base_;
  const int id_slots_;
  std::atomic<int64_t> next_{0};
};

// ------------------------------------------------------------------ config

struct Config {
  std::string target;
  int concurrency = 0;
  double warmup = 0, duration = 0;
  std::array<double, kMixKinds> mix{};
  int threads = 1, channels = 1, deadline_ms = 0;
  int watchers = 0, ingest_streams = 1, ingest_ids = 0;
  int64_t events = 0;
  double ingest_rate = 0, watch_timeout = 30;
  std::string token;
  std::string tls_ca_pem, tls_cert_pem, tls_key_pem, tls_server_name;
};

// Everything the calls share; immutable once the load starts except the
// atomics.
struct Shared {
  Config config;
  v1::NormalizeRequest normalize;
  v1::ExtractStatementsRequest extract[2];
  v1::AlignDocumentsRequest align;
  v1::MatchStreamRequest match[2];
  std::unique_ptr<PairGenerator> pairs;

  Clock::time_point measure_begin, measure_end;   // the counted window
  Clock::time_point stop_issuing;                 // load workers stop here
  std::atomic<int> active_workers{0};
  std::atomic<int> active_ingesters{0};
  std::atomic<bool> stop_ingest{false};
  std::atomic<int64_t> max_ack_sequence{0};       // highest last_sequence acknowledged
  int64_t watch_from = 0;                          // S: watchers start after it
  std::atomic<uint64_t> completed{0};              // all load completions (progress)
};

// Metadata of every call: the bearer token and "x-request-id: lg-<who>-<n>".
void PrepareContext(const Shared& shared, grpc::ClientContext* ctx, absl::string_view who, uint64_t n,
                    bool deadline) {
  if (!shared.config.token.empty()) ctx->AddMetadata("authorization", "Bearer " + shared.config.token);
  ctx->AddMetadata("x-request-id", absl::StrCat("lg-", who, "-", n));
  if (deadline && shared.config.deadline_ms > 0) {
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(shared.config.deadline_ms));
  }
}

// ------------------------------------------------------------- async calls

// Every operation started on a completion queue carries a Tag naming the
// call and the operation; the queue's thread dispatches it.
class Call;
struct Tag {
  Call* call;
  int op;
};
class Call {
 public:
  virtual ~Call() = default;
  virtual void Proceed(int op, bool ok) = 0;
};

class ClientThread {
 public:
  void Start() {
    thread_ = std::thread([this] {
      void* raw;
      bool ok;
      while (cq_.Next(&raw, &ok)) {
        auto* tag = static_cast<Tag*>(raw);
        tag->call->Proceed(tag->op, ok);
      }
    });
  }
  void Stop() {
    cq_.Shutdown();
    if (thread_.joinable()) thread_.join();
  }
  grpc::CompletionQueue* cq() { return &cq_; }
  ThreadStats& stats() { return stats_; }

 private:
  grpc::CompletionQueue cq_;
  std::thread thread_;
  ThreadStats stats_;
};

// One closed-loop worker: its calls run one after another on one thread.
class Worker {
 public:
  Worker(int id, Shared& shared, Stub* stub, ClientThread* thread)
      : id_(id), label_(std::to_string(id)), shared_(shared), stub_(stub), thread_(thread),
        rng_(0x9E3779B9u * (id + 1)), arena_block_(kArenaBlock), arena_(ArenaOptionsFor(arena_block_)) {}

  void Next();   // starts the next call, or retires the worker when the time is up

  // Called by a finished call (after which it deletes itself).
  void Done(Kind kind, Clock::time_point start, const grpc::Status& status, std::string_view error) {
    const Clock::time_point end = Clock::now();
    KindStats& ks = thread_->stats().kinds[kind];
    if (!status.ok()) {
      ks.errors[std::string(StatusCodeName(status.error_code()))]++;
    } else if (!error.empty()) {
      ks.errors[std::string(error)]++;
    } else if (start >= shared_.measure_begin && start < shared_.measure_end) {
      ks.latency.Record(std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count());
    }
    shared_.completed.fetch_add(1, std::memory_order_relaxed);
    arena_.Reset();   // the finished call's response; keeps the initial block
    Next();
  }

  // Responses are parsed into this arena: a Normalize response is hundreds
  // of small messages, and malloc/free of each was the generator's largest
  // cost. Reset after every call.
  google::protobuf::Arena* arena() { return &arena_; }

  const std::string& label() const { return label_; }
  uint64_t NextRequestNumber() { return ++requests_; }
  Shared& shared() { return shared_; }
  Stub* stub() { return stub_; }
  grpc::CompletionQueue* cq() { return thread_->cq(); }

 private:
  const int id_;
  const std::string label_;
  Shared& shared_;
  Stub* const stub_;
  ClientThread* const thread_;
  static constexpr size_t kArenaBlock = 256 << 10;
  static google::protobuf::ArenaOptions ArenaOptionsFor(std::vector<char>& block) {
    google::protobuf::ArenaOptions options;
    options.initial_block = block.data();
    options.initial_block_size = block.size();
    return options;
  }

  std::mt19937 rng_;
  uint64_t requests_ = 0;
  std::vector<char> arena_block_;
  google::protobuf::Arena arena_;
};

// A unary call of kind `kKind`: `start` prepares it on the worker's stub,
// and a response without `Valid` content counts as BAD_RESPONSE.
template <typename Response, Kind kKind>
class UnaryCall final : public Call {
 public:
  using Start = std::function<std::unique_ptr<grpc::ClientAsyncResponseReader<Response>>(grpc::ClientContext*)>;
  using Valid = bool (*)(const Response&);

  UnaryCall(Worker* w, const Start& start, Valid valid) : w_(w), start_(Clock::now()), valid_(valid) {
    PrepareContext(w->shared(), &ctx_, w->label(), w->NextRequestNumber(), true);
    response_ = google::protobuf::Arena::CreateMessage<Response>(w->arena());
    reader_ = start(&ctx_);
    reader_->StartCall();
    reader_->Finish(response_, &status_, &finish_);
  }
  void Proceed(int, bool) override {
    std::string_view error;
    if (status_.ok() && !valid_(*response_)) error = "BAD_RESPONSE";
    Worker* w = w_;
    const auto start = start_;
    const grpc::Status status = status_;
    delete this;
    w->Done(kKind, start, status, error);
  }

 private:
  Worker* w_;
  Clock::time_point start_;
  Valid valid_;
  grpc::ClientContext ctx_;
  std::unique_ptr<grpc::ClientAsyncResponseReader<Response>> reader_;
  Response* response_;   // on the worker's arena
  grpc::Status status_;
  Tag finish_{this, 0};
};

// Server streaming: pairs, then exactly one summary, then OK.
class AlignCall final : public Call {
 public:
  explicit AlignCall(Worker* w) : w_(w), start_(Clock::now()) {
    PrepareContext(w->shared(), &ctx_, w->label(), w->NextRequestNumber(), true);
    response_ = google::protobuf::Arena::CreateMessage<v1::AlignDocumentsResponse>(w->arena());
    reader_ = w->stub()->PrepareAsyncAlignDocuments(&ctx_, w->shared().align, w->cq());
    reader_->StartCall(&start_tag_);
  }
  void Proceed(int op, bool ok) override {
    switch (op) {
      case kStarted:
        if (!ok) return reader_->Finish(&status_, &finish_tag_);
        return reader_->Read(response_, &read_tag_);
      case kRead:
        if (!ok) return reader_->Finish(&status_, &finish_tag_);
        if (summaries_ > 0) bad_ = true;   // nothing may follow the summary
        if (response_->has_pair()) {
          ++pairs_;
        } else if (response_->has_summary()) {
          ++summaries_;
          if (response_->summary().pair_count() != pairs_) bad_ = true;
        } else {
          bad_ = true;
        }
        return reader_->Read(response_, &read_tag_);
      default: {
        std::string_view error = (status_.ok() && (bad_ || summaries_ != 1)) ? "BAD_RESPONSE" : "";
        Worker* w = w_;
        const auto start = start_;
        const grpc::Status status = status_;
        delete this;
        w->Done(kAlign, start, status, error);
      }
    }
  }

 private:
  enum { kStarted, kRead, kFinished };
  Worker* w_;
  Clock::time_point start_;
  grpc::ClientContext ctx_;
  std::unique_ptr<grpc::ClientAsyncReader<v1::AlignDocumentsResponse>> reader_;
  v1::AlignDocumentsResponse* response_;   // on the worker's arena
  grpc::Status status_;
  uint32_t pairs_ = 0;
  int summaries_ = 0;
  bool bad_ = false;
  Tag start_tag_{this, kStarted}, read_tag_{this, kRead}, finish_tag_{this, kFinished};
};

// A bidi call that writes a fixed list of messages one at a time, then
// half-closes, while reading every response; Finish once both sides are
// done. Subclasses judge the responses.
template <typename Request, typename Response>
class BidiCall : public Call {
 protected:
  using Stream = grpc::ClientAsyncReaderWriter<Request, Response>;
  enum { kStarted, kWritten, kWritesDone, kRead, kFinished };

  void Begin(std::unique_ptr<Stream> stream) {
    stream_ = std::move(stream);
    stream_->StartCall(&start_tag_);
  }
  virtual void OnResponse(const Response& r) = 0;
  virtual void OnFinished() = 0;   // status_ is set; must delete this last

 public:
  void Proceed(int op, bool ok) override {
    switch (op) {
      case kStarted:
        if (!ok) {
          writing_done_ = reading_done_ = true;
          return stream_->Finish(&status_, &finish_tag_);
        }
        stream_->Read(&response_, &read_tag_);
        return WriteNext();
      case kWritten:
        if (!ok) {   // the call broke; reads will end too
          writing_done_ = true;
          return MaybeFinish();
        }
        return WriteNext();
      case kWritesDone:
        writing_done_ = true;
        return MaybeFinish();
      case kRead:
        if (!ok) {
          reading_done_ = true;
          return MaybeFinish();
        }
        OnResponse(response_);
        return stream_->Read(&response_, &read_tag_);
      default:
        return OnFinished();
    }
  }

 protected:
  std::vector<const Request*> outgoing_;
  grpc::ClientContext ctx_;
  grpc::Status status_;

 private:
  void WriteNext() {
    if (next_ < outgoing_.size()) {
      stream_->Write(*outgoing_[next_++], &write_tag_);
    } else {
      stream_->WritesDone(&writes_done_tag_);
    }
  }
  void MaybeFinish() {
    if (writing_done_ && reading_done_) stream_->Finish(&status_, &finish_tag_);
  }

  std::unique_ptr<Stream> stream_;
  Response response_;
  size_t next_ = 0;
  bool writing_done_ = false, reading_done_ = false;
  Tag start_tag_{this, kStarted}, write_tag_{this, kWritten}, writes_done_tag_{this, kWritesDone},
      read_tag_{this, kRead}, finish_tag_{this, kFinished};
};

// One MatchStream session on the sample pair.
class MatchCall final : public BidiCall<v1::MatchStreamRequest, v1::MatchStreamResponse> {
 public:
  explicit MatchCall(Worker* w) : w_(w), start_(Clock::now()) {
    PrepareContext(w->shared(), &ctx_, w->label(), w->NextRequestNumber(), true);
    outgoing_ = {&w->shared().match[0], &w->shared().match[1]};
    Begin(w->stub()->PrepareAsyncMatchStream(&ctx_, w->cq()));
  }

 private:
  void OnResponse(const v1::MatchStreamResponse& r) override {
    if (r.has_accepted()) {
      ++accepted_;
    } else if (!r.has_pair()) {
      bad_ = true;
    }
  }
  void OnFinished() override {
    std::string_view error = (status_.ok() && (bad_ || accepted_ != 2)) ? "BAD_RESPONSE" : "";
    Worker* w = w_;
    const auto start = start_;
    const grpc::Status status = status_;
    delete this;
    w->Done(kMatch, start, status, error);
  }
  Worker* w_;
  Clock::time_point start_;
  int accepted_ = 0;
  bool bad_ = false;
};

void NoteAckSequence(Shared& shared, int64_t sequence) {
  int64_t seen = shared.max_ack_sequence.load();
  while (sequence > seen && !shared.max_ack_sequence.compare_exchange_weak(seen, sequence)) {
  }
}

// One IngestDocuments call storing one generated pair.
class IngestCall final : public BidiCall<v1::IngestDocumentsRequest, v1::IngestDocumentsResponse> {
 public:
  explicit IngestCall(Worker* w) : w_(w), start_(Clock::now()) {
    PrepareContext(w->shared(), &ctx_, w->label(), w->NextRequestNumber(), true);
    const int64_t i = w->shared().pairs->NextIndex();
    *docs_[0].mutable_document() = w->shared().pairs->Make(i, false);
    *docs_[1].mutable_document() = w->shared().pairs->Make(i, true);
    outgoing_ = {&docs_[0], &docs_[1]};
    Begin(w->stub()->PrepareAsyncIngestDocuments(&ctx_, w->cq()));
  }

 private:
  void OnResponse(const v1::IngestDocumentsResponse& r) override {
    if (r.has_stored()) {
      ++stored_;
      NoteAckSequence(w_->shared(), r.stored().last_sequence());
    } else {
      rejected_ = true;
    }
  }
  void OnFinished() override {
    std::string_view error = !status_.ok() ? "" : rejected_ ? "REJECTED" : stored_ != 2 ? "BAD_RESPONSE" : "";
    Worker* w = w_;
    const auto start = start_;
    const grpc::Status status = status_;
    delete this;
    w->Done(kIngest, start, status, error);
  }
  Worker* w_;
  Clock::time_point start_;
  v1::IngestDocumentsRequest docs_[2];
  int stored_ = 0;
  bool rejected_ = false;
};

void Worker::Next() {
  if (Clock::now() >= shared_.stop_issuing) {
    shared_.active_workers.fetch_sub(1);
    return;
  }
  const auto& mix = shared_.config.mix;
  double total = 0;
  for (double m : mix) total += m;
  double pick = std::uniform_real_distribution<double>(0, total)(rng_);
  int kind = 0;
  while (kind < kMixKinds - 1 && (mix[kind] == 0 || pick >= mix[kind])) {
    pick -= mix[kind];
    ++kind;
  }
  switch (kind) {
    case kNormalize:
      new UnaryCall<v1::NormalizeResponse, kNormalize>(
          this,
          [this](grpc::ClientContext* ctx) { return stub()->PrepareAsyncNormalize(ctx, shared().normalize, cq()); },
          [](const v1::NormalizeResponse& r) { return r.tokens_size() > 0; });
      break;
    case kExtract: {
      const int side = static_cast<int>(requests_ % 2);
      new UnaryCall<v1::ExtractStatementsResponse, kExtract>(
          this,
          [this, side](grpc::ClientContext* ctx) {
            return stub()->PrepareAsyncExtractStatements(ctx, shared().extract[side], cq());
          },
          [](const v1::ExtractStatementsResponse& r) { return r.statements_size() > 0; });
      break;
    }
    case kAlign: new AlignCall(this); break;
    case kMatch: new MatchCall(this); break;
    default: new IngestCall(this); break;
  }
}

// ------------------------------------------------------------- watch mode

// One WatchMatches stream after shared.watch_from, checking order and gaps.
// Its counters are written by its thread and read by the main thread only
// through the atomics (while running) or after the threads are joined.
class Watcher final : public Call {
 public:
  Watcher(int id, Shared& shared, Stub* stub, ClientThread* thread)
      : id_(id), shared_(shared), thread_(thread), last_(shared.watch_from) {
    PrepareContext(shared, &ctx_, absl::StrCat("watch", id), 1, false);
    v1::WatchMatchesRequest request;
    request.set_after_sequence(shared.watch_from);
    reader_ = stub->PrepareAsyncWatchMatches(&ctx_, request, thread->cq());
    reader_->StartCall(&start_tag_);
  }

  void Proceed(int op, bool ok) override {
    switch (op) {
      case kStarted:
        started_.store(true);
        if (!ok) return reader_->Finish(&status_, &finish_tag_);
        return reader_->Read(&response_, &read_tag_);
      case kRead: {
        if (!ok) return reader_->Finish(&status_, &finish_tag_);
        const v1::MatchEvent& e = response_.event();
        const int64_t seq = e.sequence();
        const int64_t now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
        const int64_t l = last_.load(std::memory_order_relaxed);
        if (seq == l) {
          ++duplicates_;
        } else if (seq < l) {
          ++out_of_order_;
        } else {
          if (seq > l + 1) gaps_.emplace_back(l + 1, seq - 1);
          last_.store(seq, std::memory_order_release);
          if (e.recorded_unix_micros() > 0) {
            thread_->stats().kinds[kWatchDelivery].latency.Record((now_us - e.recorded_unix_micros()) * 1000);
          }
        }
        return reader_->Read(&response_, &read_tag_);
      }
      default:
        done_.store(true);
    }
  }

  void Cancel() { ctx_.TryCancel(); }
  bool started() const { return started_.load(); }
  bool done() const { return done_.load(); }
  int64_t last() const { return last_.load(std::memory_order_acquire); }
  const grpc::Status& status() const { return status_; }

  // After the run, for the events S+1 .. `final_sequence`: how many arrived
  // (each once, in order), and how many never did.
  int64_t Received(int64_t final_sequence) const {
    const int64_t top = std::min(last(), final_sequence);
    return top - shared_.watch_from - LostBelow(top);
  }
  int64_t Lost(int64_t final_sequence) const {
    const int64_t top = std::min(last(), final_sequence);
    return LostBelow(top) + (final_sequence - top);
  }
  int64_t duplicates() const { return duplicates_; }
  int64_t out_of_order() const { return out_of_order_; }

 private:
  enum { kStarted, kRead, kFinished };
  int64_t LostBelow(int64_t top) const {
    int64_t lost = 0;
    for (auto [from, to] : gaps_) {
      if (from <= top) lost += std::min(to, top) - from + 1;
    }
    return lost;
  }

  const int id_;
  Shared& shared_;
  ClientThread* thread_;
  grpc::ClientContext ctx_;
  std::unique_ptr<grpc::ClientAsyncReader<v1::WatchMatchesResponse>> reader_;
  v1::WatchMatchesResponse response_;
  grpc::Status status_;
  std::atomic<int64_t> last_;
  std::vector<std::pair<int64_t, int64_t>> gaps_;   // missing ranges [from, to]
  int64_t duplicates_ = 0, out_of_order_ = 0;
  std::atomic<bool> started_{false}, done_{false};
  Tag start_tag_{this, kStarted}, read_tag_{this, kRead}, finish_tag_{this, kFinished};
};

// Watch mode's ingest: one long IngestDocuments stream, one document in
// flight (write, wait for its acknowledgement, next), optionally paced by an
// alarm, until shared.stop_ingest or the event target.
class IngestDriver final : public Call {
 public:
  IngestDriver(int id, Shared& shared, Stub* stub, ClientThread* thread, double docs_per_second)
      : id_(id), shared_(shared), thread_(thread),
        interval_(docs_per_second > 0 ? std::chrono::nanoseconds(static_cast<int64_t>(1e9 / docs_per_second))
                                      : std::chrono::nanoseconds(0)) {
    shared_.active_ingesters.fetch_add(1);
    PrepareContext(shared, &ctx_, absl::StrCat("ingest", id), 1, false);
    stream_ = stub->PrepareAsyncIngestDocuments(&ctx_, thread->cq());
    next_due_ = Clock::now();
    stream_->StartCall(&start_tag_);
  }

  void Proceed(int op, bool ok) override {
    switch (op) {
      case kStarted:
        if (!ok) return stream_->Finish(&status_, &finish_tag_);
        stream_->Read(&response_, &read_tag_);
        return Pace();
      case kAlarm:
        --outstanding_;
        if (finished_) return MaybeDelete();
        return WriteNext();
      case kWritten:
        --outstanding_;
        if (!ok) broken_ = true;   // the read fails too and finishes the call
        return MaybeDelete();
      case kRead:
        if (!ok) return stream_->Finish(&status_, &finish_tag_);
        OnAck();
        stream_->Read(&response_, &read_tag_);
        return closing_ ? void() : Pace();
      case kWritesDone:
        --outstanding_;
        return MaybeDelete();
      default: {
        if (!status_.ok()) {
          thread_->stats().kinds[kWatchIngest].errors[std::string(StatusCodeName(status_.error_code()))]++;
        }
        finished_ = true;
        if (outstanding_ > 0) alarm_.Cancel();   // a pending alarm fires now (ok = false)
        return MaybeDelete();
      }
    }
  }

 private:
  // The call object lives until the stream is finished and no alarm or
  // write of it is still pending.
  void MaybeDelete() {
    if (!finished_ || outstanding_ > 0) return;
    shared_.active_ingesters.fetch_sub(1);
    delete this;
  }

  enum { kStarted, kAlarm, kWritten, kRead, kWritesDone, kFinished };

  bool TargetReached() const {
    const int64_t target = shared_.config.events;
    return shared_.stop_ingest.load() ||
           (target > 0 && shared_.max_ack_sequence.load() - shared_.watch_from >= target);
  }
  void Pace() {
    if (broken_) return;
    if (TargetReached()) {
      closing_ = true;
      ++outstanding_;
      stream_->WritesDone(&writes_done_tag_);
      return;
    }
    if (interval_.count() == 0) return WriteNext();
    next_due_ += interval_;
    const auto now = Clock::now();
    if (next_due_ < now) next_due_ = now;   // do not catch up after a stall
    ++outstanding_;
    alarm_.Set(thread_->cq(), std::chrono::system_clock::now() + (next_due_ - now), &alarm_tag_);
  }
  void WriteNext() {
    const int64_t i = shared_.pairs->NextIndex();
    // Both halves of a pair go through this stream, English first.
    *request_.mutable_document() = shared_.pairs->Make(pending_persian_ ? half_pair_ : i, pending_persian_);
    if (!pending_persian_) half_pair_ = i;
    pending_persian_ = !pending_persian_;
    sent_ = Clock::now();
    ++outstanding_;
    stream_->Write(request_, &write_tag_);
  }
  void OnAck() {
    KindStats& ks = thread_->stats().kinds[kWatchIngest];
    if (response_.has_stored()) {
      ks.latency.Record(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - sent_).count());
      NoteAckSequence(shared_, response_.stored().last_sequence());
    } else {
      ks.errors["REJECTED"]++;
    }
  }

  const int id_;
  Shared& shared_;
  ClientThread* thread_;
  const std::chrono::nanoseconds interval_;
  grpc::ClientContext ctx_;
  std::unique_ptr<grpc::ClientAsyncReaderWriter<v1::IngestDocumentsRequest, v1::IngestDocumentsResponse>> stream_;
  v1::IngestDocumentsRequest request_;
  v1::IngestDocumentsResponse response_;
  grpc::Status status_;
  grpc::Alarm alarm_;
  Clock::time_point next_due_, sent_;
  int64_t half_pair_ = 0;
  int outstanding_ = 0;   // alarm, write or half-close in flight
  bool pending_persian_ = false, closing_ = false, broken_ = false, finished_ = false;
  Tag start_tag_{this, kStarted}, alarm_tag_{this, kAlarm}, write_tag_{this, kWritten}, read_tag_{this, kRead},
      writes_done_tag_{this, kWritesDone}, finish_tag_{this, kFinished};
};

// Ingests one probe pair (blocking) and returns the sequence of the event
// it caused: the feed's last sequence at that moment. 0 when the pair did
// not match (or an error, printed).
int64_t ProbeLastSequence(Shared& shared, Stub* stub) {
  grpc::ClientContext ctx;
  PrepareContext(shared, &ctx, "probe", 1, false);
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  auto stream = stub->IngestDocuments(&ctx);
  const int64_t i = shared.pairs->NextIndex();
  int64_t sequence = 0;
  for (bool persian : {false, true}) {
    v1::IngestDocumentsRequest request;
    *request.mutable_document() = shared.pairs->Make(i, persian);
    v1::IngestDocumentsResponse response;
    if (!stream->Write(request) || !stream->Read(&response)) break;
    if (response.has_rejected()) {
      std::fprintf(stderr, "quotematch-loadgen: probe document rejected: %s\n",
                   response.rejected().message().c_str());
      break;
    }
    sequence = response.stored().last_sequence();
  }
  stream->WritesDone();
  grpc::Status status = stream->Finish();
  if (!status.ok()) {
    std::fprintf(stderr, "quotematch-loadgen: probe ingest failed: %s: %s\n",
                 std::string(StatusCodeName(status.error_code())).c_str(), status.error_message().c_str());
    return 0;
  }
  return sequence;
}

// ------------------------------------------------------------------ setup

int UsageError(const std::string& message) {
  std::fprintf(stderr, "quotematch-loadgen: %s (see --help)\n", message.c_str());
  return kExitUsage;
}

// absl exits with 1 on a bad flag; check every --flag first so that usage
// errors exit with 2.
bool CheckFlagsSyntax(int argc, char** argv, std::string* error) {
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg.size() < 2 || arg[0] != '-') {
      *error = absl::StrCat("unexpected argument '", arg, "'");
      return false;
    }
    arg.remove_prefix(arg[1] == '-' ? 2 : 1);
    const size_t eq = arg.find('=');
    std::string name(arg.substr(0, eq));
    const bool has_value = eq != absl::string_view::npos;
    if (name.rfind("help", 0) == 0 || name == "version" || name == "flagfile" || name == "fromenv" ||
        name == "tryfromenv" || name == "undefok" || name == "only_check_args") {
      return true;   // absl handles these (and exits for help)
    }
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr && name.rfind("no", 0) == 0) {
      absl::CommandLineFlag* positive = absl::FindCommandLineFlag(name.substr(2));
      if (positive != nullptr && positive->IsOfType<bool>() && !has_value) continue;
    }
    if (flag == nullptr) {
      *error = absl::StrCat("unknown flag --", name);
      return false;
    }
    std::string value;
    if (has_value) {
      value = std::string(arg.substr(eq + 1));
    } else if (flag->IsOfType<bool>()) {
      value = "true";
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      *error = absl::StrCat("missing value for --", name);
      return false;
    }
    std::string parse_error;
    if (!flag->ParseFrom(value, &parse_error)) {
      *error = absl::StrCat("--", name, ": ", parse_error);
      return false;
    }
  }
  return true;
}

bool ParseMix(const std::string& text, std::array<double, kMixKinds>* mix, std::string* error) {
  mix->fill(0);
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(item, absl::MaxSplits('=', 1));
    double weight = 0;
    if (!absl::SimpleAtod(kv.second, &weight) || weight < 0 || !std::isfinite(weight)) {
      *error = absl::StrCat("--mix: weight of '", kv.first, "' must be a number >= 0");
      return false;
    }
    int kind = -1;
    for (int k = 0; k < kMixKinds; ++k) {
      if (kKindNames[k] == kv.first) kind = k;
    }
    if (kind < 0) {
      *error = absl::StrCat("--mix: unknown kind '", kv.first, "' (normalize, extract, align, match, ingest)");
      return false;
    }
    (*mix)[kind] = weight;
  }
  return true;
}

std::string ErrorsText(const std::map<std::string, uint64_t>& errors) {
  if (errors.empty()) return "-";
  std::string out;
  for (const auto& [name, count] : errors) absl::StrAppend(&out, out.empty() ? "" : " ", name, "=", count);
  return out;
}

std::string ErrorsJson(const std::map<std::string, uint64_t>& errors) {
  std::string out = "{";
  for (const auto& [name, count] : errors) absl::StrAppend(&out, out.size() > 1 ? "," : "", JsonQuote(name), ":", count);
  return out + "}";
}

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

int Run(int argc, char** argv) {
  // Debian's Abseil checks every gRPC mutex acquisition for lock-order
  // cycles (GraphCycles); that bookkeeping is pure overhead here.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::SetProgramUsageMessage(
      "closed-loop load generator for quotematch-server.\n"
      "  quotematch-loadgen --target=HOST:PORT --concurrency=8 --duration=10 --mix=normalize=1\n"
      "  quotematch-loadgen --target=HOST:PORT --concurrency=0 --watchers=64 --events=10000");
  std::string flag_error;
  if (!CheckFlagsSyntax(argc, argv, &flag_error)) return UsageError(flag_error);
  absl::ParseCommandLine(argc, argv);

  Shared shared;
  Config& c = shared.config;
  c.target = absl::GetFlag(FLAGS_target);
  c.concurrency = absl::GetFlag(FLAGS_concurrency);
  c.warmup = absl::GetFlag(FLAGS_warmup);
  c.duration = absl::GetFlag(FLAGS_duration);
  c.threads = absl::GetFlag(FLAGS_threads);
  c.deadline_ms = absl::GetFlag(FLAGS_deadline_ms);
  c.watchers = absl::GetFlag(FLAGS_watchers);
  c.events = absl::GetFlag(FLAGS_events);
  c.ingest_streams = absl::GetFlag(FLAGS_ingest_streams);
  c.ingest_rate = absl::GetFlag(FLAGS_ingest_rate);
  c.ingest_ids = absl::GetFlag(FLAGS_ingest_ids);
  c.watch_timeout = absl::GetFlag(FLAGS_watch_timeout);
  c.tls_server_name = absl::GetFlag(FLAGS_tls_server_name);
  if (c.target.empty()) return UsageError("--target must be HOST:PORT");
  if (c.concurrency < 0 || c.concurrency > 100000) return UsageError("--concurrency must be in [0, 100000]");
  if (!(c.duration > 0) || !(c.warmup >= 0)) return UsageError("--duration must be > 0 and --warmup >= 0");
  if (c.threads < 1 || c.threads > 64) return UsageError("--threads must be in [1, 64]");
  if (c.deadline_ms < 0) return UsageError("--deadline_ms must be >= 0");
  if (c.watchers < 0 || c.events < 0 || c.ingest_streams < 1 || c.ingest_rate < 0 || c.ingest_ids < 0 ||
      !(c.watch_timeout > 0)) {
    return UsageError("--watchers, --events, --ingest_rate, --ingest_ids must be >= 0, "
                      "--ingest_streams >= 1, --watch_timeout > 0");
  }
  if (c.watchers > 0 && c.events == 0 && c.concurrency == 0) {
    return UsageError("--events=0 needs load beside it (--concurrency > 0) to bound the run");
  }
  if (!ParseMix(absl::GetFlag(FLAGS_mix), &c.mix, &flag_error)) return UsageError(flag_error);
  double mix_total = 0;
  for (double m : c.mix) mix_total += m;
  if (c.concurrency > 0 && mix_total == 0) return UsageError("--mix gives every kind weight 0");
  if (c.concurrency == 0 && c.watchers == 0) return UsageError("nothing to do: --concurrency=0 and --watchers=0");
  const int workers = mix_total > 0 ? c.concurrency : 0;
  c.channels = absl::GetFlag(FLAGS_channels);
  if (c.channels < 0) return UsageError("--channels must be >= 0");
  if (c.channels == 0) c.channels = std::clamp(workers, 1, 16);

  // Credentials.
  c.token = absl::GetFlag(FLAGS_token);
  const std::string token_file = absl::GetFlag(FLAGS_token_file);
  if (!c.token.empty() && !token_file.empty()) return UsageError("give --token or --token_file, not both");
  if (!token_file.empty()) {
    if (!ReadFile(token_file, &c.token)) return UsageError("cannot read --token_file " + token_file);
    c.token = std::string(absl::StripAsciiWhitespace(c.token));
  }
  const std::string ca = absl::GetFlag(FLAGS_tls_ca), cert = absl::GetFlag(FLAGS_tls_cert),
                    key = absl::GetFlag(FLAGS_tls_key);
  if (cert.empty() != key.empty()) return UsageError("--tls_cert and --tls_key go together");
  if (ca.empty() && (!cert.empty() || !c.tls_server_name.empty())) {
    return UsageError("--tls_cert, --tls_key and --tls_server_name need --tls_ca");
  }
  if (!ca.empty() && !ReadFile(ca, &c.tls_ca_pem)) return UsageError("cannot read --tls_ca " + ca);
  if (!cert.empty() && !ReadFile(cert, &c.tls_cert_pem)) return UsageError("cannot read --tls_cert " + cert);
  if (!key.empty() && !ReadFile(key, &c.tls_key_pem)) return UsageError("cannot read --tls_key " + key);

  // Inputs.
  std::string en_text, fa_text, en_path, fa_path, normalize_text, normalize_path;
  if (!ReadInput(absl::GetFlag(FLAGS_en), &en_text, &en_path)) return UsageError("cannot read --en " + en_path);
  if (!ReadInput(absl::GetFlag(FLAGS_fa), &fa_text, &fa_path)) return UsageError("cannot read --fa " + fa_path);
  std::string normalize_source;
  if (absl::GetFlag(FLAGS_normalize_file).empty()) {
    normalize_text = CutParagraph(fa_text, 1024);
    normalize_source = absl::StrCat(fa_path, " (cut at a sentence boundary)");
  } else {
    if (!ReadInput(absl::GetFlag(FLAGS_normalize_file), &normalize_text, &normalize_path)) {
      return UsageError("cannot read --normalize_file " + normalize_path);
    }
    normalize_source = normalize_path;
  }
  if (normalize_text.empty()) return UsageError("the Normalize text is empty");
  shared.normalize.set_text(normalize_text);
  for (int side = 0; side < 2; ++side) {
    v1::Document d;
    d.set_id(side == 0 ? "en" : "fa");
    d.set_language(side == 0 ? v1::LANGUAGE_ENGLISH : v1::LANGUAGE_PERSIAN);
    d.set_text(side == 0 ? en_text : fa_text);
    d.set_source("loadgen");
    *shared.extract[side].mutable_document() = d;
    *shared.match[side].mutable_document() = d;
    *(side == 0 ? shared.align.mutable_english() : shared.align.mutable_persian()) = d;
  }
  std::mt19937_64 seed_rng(std::random_device{}() ^ (static_cast<uint64_t>(getpid()) << 20) ^
                           static_cast<uint64_t>(Clock::now().time_since_epoch().count()));
  char run[16];
  std::snprintf(run, sizeof run, "%08x", static_cast<unsigned>(seed_rng()));
  shared.pairs = std::make_unique<PairGenerator>(run, 1000000 + static_cast<int64_t>(seed_rng() % 8000000),
                                                 c.ingest_ids);

  // Channels and threads.
  std::shared_ptr<grpc::ChannelCredentials> creds;
  if (c.tls_ca_pem.empty()) {
    creds = grpc::InsecureChannelCredentials();
  } else {
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = c.tls_ca_pem;
    tls.pem_cert_chain = c.tls_cert_pem;
    tls.pem_private_key = c.tls_key_pem;
    creds = grpc::SslCredentials(tls);
  }
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  std::vector<std::unique_ptr<Stub>> stubs;
  for (int i = 0; i < c.channels; ++i) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);   // a connection of its own
    args.SetMaxReceiveMessageSize(64 << 20);
    if (!c.tls_server_name.empty()) args.SetSslTargetNameOverride(c.tls_server_name);
    channels.push_back(grpc::CreateCustomChannel(c.target, creds, args));
    stubs.push_back(v1::QuoteMatchService::NewStub(channels.back()));
  }
  for (auto& ch : channels) {
    if (!ch->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
      std::fprintf(stderr, "quotematch-loadgen: cannot connect to %s\n", c.target.c_str());
      return kExitFailed;
    }
  }
  std::vector<std::unique_ptr<ClientThread>> threads;
  for (int i = 0; i < c.threads; ++i) {
    threads.push_back(std::make_unique<ClientThread>());
    threads.back()->Start();
  }

  std::printf("quotematch-loadgen: target %s, %d worker(s), %d thread(s), %d channel(s), warm-up %g s, duration %g s%s\n",
              c.target.c_str(), workers, c.threads, c.channels, c.warmup, c.duration,
              c.tls_ca_pem.empty() ? ", insecure" : ", TLS");
  if (workers > 0 && c.mix[kNormalize] > 0) {
    std::printf("normalize text: %zu bytes from %s\n", normalize_text.size(), normalize_source.c_str());
  }
  if (workers > 0 && (c.mix[kExtract] > 0 || c.mix[kAlign] > 0 || c.mix[kMatch] > 0)) {
    std::printf("sample pair: %s (%zu bytes), %s (%zu bytes)\n", en_path.c_str(), en_text.size(), fa_path.c_str(),
                fa_text.size());
  }
  std::fflush(stdout);

  // Watchers first, so that they see the ingest from its first event.
  std::vector<std::unique_ptr<Watcher>> watchers;
  bool failed = false;
  if (c.watchers > 0) {
    shared.watch_from = ProbeLastSequence(shared, stubs[0].get());
    if (shared.watch_from == 0) {
      std::fprintf(stderr, "quotematch-loadgen: the probe pair caused no match event; cannot read the feed's "
                           "last sequence (is the server started with --db and a --feed_min_score <= 0.5?)\n");
      for (auto& t : threads) t->Stop();
      return kExitFailed;
    }
    NoteAckSequence(shared, shared.watch_from);
    for (int i = 0; i < c.watchers; ++i) {
      watchers.push_back(std::make_unique<Watcher>(i, shared, stubs[i % stubs.size()].get(),
                                                   threads[i % threads.size()].get()));
    }
    const auto give_up = Clock::now() + std::chrono::seconds(10);
    while (Clock::now() < give_up &&
           !std::all_of(watchers.begin(), watchers.end(), [](auto& w) { return w->started(); })) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));   // let the server subscribe them
  }

  // Load.
  const Clock::time_point t0 = Clock::now();
  auto seconds = [](double s) { return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s)); };
  shared.measure_begin = t0 + seconds(c.warmup);
  shared.measure_end = shared.stop_issuing = shared.measure_begin + seconds(c.duration);
  std::vector<std::unique_ptr<Worker>> pool;
  shared.active_workers.store(workers);
  for (int i = 0; i < workers; ++i) {
    pool.push_back(std::make_unique<Worker>(i, shared, stubs[i % stubs.size()].get(), threads[i % threads.size()].get()));
  }
  for (auto& w : pool) w->Next();   // safe: each worker's calls then run on its own thread
  const Clock::time_point ingest_start = Clock::now();
  if (c.watchers > 0) {
    const double per_stream = c.ingest_rate / c.ingest_streams;
    for (int i = 0; i < c.ingest_streams; ++i) {
      new IngestDriver(i, shared, stubs[i % stubs.size()].get(), threads[i % threads.size()].get(), per_stream);
    }
  }

  const int progress = absl::GetFlag(FLAGS_progress);
  Clock::time_point next_progress = t0 + std::chrono::seconds(progress);
  Clock::time_point ingest_end{};
  while (shared.active_workers.load() > 0 || shared.active_ingesters.load() > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const auto now = Clock::now();
    if (workers > 0 && now >= shared.stop_issuing) shared.stop_ingest.store(true);
    if (shared.active_ingesters.load() == 0 && ingest_end == Clock::time_point{}) ingest_end = now;
    if (progress > 0 && now >= next_progress) {
      next_progress += std::chrono::seconds(progress);
      std::fprintf(stderr, "[%6.0f s] completed %llu, watch sequence %lld\n",
                   std::chrono::duration<double>(now - t0).count(),
                   static_cast<unsigned long long>(shared.completed.load()),
                   static_cast<long long>(shared.max_ack_sequence.load() - shared.watch_from));
    }
  }
  if (ingest_end == Clock::time_point{}) ingest_end = Clock::now();

  // Watchers catch up to the last acknowledged sequence, then are cancelled.
  const int64_t final_sequence = shared.max_ack_sequence.load();
  double catch_up_seconds = 0;
  if (!watchers.empty()) {
    const auto begin = Clock::now();
    const auto give_up = begin + seconds(c.watch_timeout);
    while (Clock::now() < give_up && !std::all_of(watchers.begin(), watchers.end(), [&](auto& w) {
             return w->last() >= final_sequence || w->done();
           })) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    catch_up_seconds = std::chrono::duration<double>(Clock::now() - begin).count();
    for (auto& w : watchers) w->Cancel();
    while (!std::all_of(watchers.begin(), watchers.end(), [](auto& w) { return w->done(); })) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  for (auto& t : threads) t->Stop();

  // Summary.
  std::array<KindStats, kKindCount> total;
  for (auto& t : threads) {
    for (int k = 0; k < kKindCount; ++k) total[k].Merge(t->stats().kinds[k]);
  }
  uint64_t unexpected = 0;
  std::string json = absl::StrCat("{\"target\":", JsonQuote(c.target), ",\"workers\":", workers,
                                  ",\"threads\":", c.threads, ",\"channels\":", c.channels,
                                  ",\"warmup_s\":", c.warmup, ",\"duration_s\":", c.duration,
                                  ",\"normalize_bytes\":", normalize_text.size(), ",\"kinds\":{");
  std::printf("\n%-15s %9s %10s %8s %8s %8s %8s %8s  %s\n", "kind", "count", "per s", "p50 ms", "p90 ms", "p99 ms",
              "p99.9 ms", "max ms", "errors");
  bool first_kind = true;
  for (int k = 0; k < kKindCount; ++k) {
    const KindStats& ks = total[k];
    const bool used = (k < kMixKinds && c.mix[k] > 0 && workers > 0) ||
                      (k >= kWatchIngest && c.watchers > 0) || !ks.errors.empty();
    if (!used) continue;
    for (const auto& [name, count] : ks.errors) unexpected += count;
    const uint64_t n = ks.latency.total();
    const double rate = k < kMixKinds ? n / c.duration
                                      : n / std::max(1e-9, std::chrono::duration<double>(ingest_end - ingest_start).count());
    std::printf("%-15s %9llu %10.1f %8.3f %8.3f %8.3f %8.3f %8.3f  %s\n", std::string(kKindNames[k]).c_str(),
                static_cast<unsigned long long>(n), rate, ks.latency.QuantileMs(0.5), ks.latency.QuantileMs(0.9),
                ks.latency.QuantileMs(0.99), ks.latency.QuantileMs(0.999), ks.latency.MaxMs(),
                ErrorsText(ks.errors).c_str());
    absl::StrAppend(&json, first_kind ? "" : ",", JsonQuote(kKindNames[k]), ":{\"count\":", n,
                    ",\"per_s\":", Fixed(rate, 1), ",\"p50_ms\":", Fixed(ks.latency.QuantileMs(0.5), 3),
                    ",\"p90_ms\":", Fixed(ks.latency.QuantileMs(0.9), 3),
                    ",\"p99_ms\":", Fixed(ks.latency.QuantileMs(0.99), 3),
                    ",\"p999_ms\":", Fixed(ks.latency.QuantileMs(0.999), 3),
                    ",\"max_ms\":", Fixed(ks.latency.MaxMs(), 3), ",\"errors\":", ErrorsJson(ks.errors), "}");
    first_kind = false;
  }
  absl::StrAppend(&json, "}");

  if (!watchers.empty()) {
    const int64_t expected = final_sequence - shared.watch_from;
    int64_t lost = 0, dups = 0, reordered = 0, min_received = INT64_MAX, max_received = 0;
    int stream_errors = 0;
    std::string counts;
    std::string counts_json;
    for (size_t i = 0; i < watchers.size(); ++i) {
      const Watcher& w = *watchers[i];
      const int64_t got = w.Received(final_sequence);
      lost += w.Lost(final_sequence);
      dups += w.duplicates();
      reordered += w.out_of_order();
      min_received = std::min(min_received, got);
      max_received = std::max(max_received, got);
      if (w.status().error_code() != grpc::StatusCode::CANCELLED) {
        ++stream_errors;
        std::fprintf(stderr, "watcher %zu ended early: %s: %s\n", i,
                     std::string(StatusCodeName(w.status().error_code())).c_str(), w.status().error_message().c_str());
      }
      absl::StrAppend(&counts, (i % 8 == 0) ? "\n  " : " ", "w", i, "=", got);
      absl::StrAppend(&counts_json, i == 0 ? "" : ",", got);
    }
    std::printf("\nwatch: %zu watchers after sequence %lld; events %lld..%lld = %lld (target %lld) in %.2f s of "
                "ingest, catch-up %.3f s\nreceived per watcher:%s\n",
                watchers.size(), static_cast<long long>(shared.watch_from),
                static_cast<long long>(shared.watch_from + 1), static_cast<long long>(final_sequence),
                static_cast<long long>(expected), static_cast<long long>(c.events),
                std::chrono::duration<double>(ingest_end - ingest_start).count(), catch_up_seconds, counts.c_str());
    std::printf("lost=%lld duplicates=%lld out_of_order=%lld streams_ended_early=%d%s\n", static_cast<long long>(lost),
                static_cast<long long>(dups), static_cast<long long>(reordered), stream_errors,
                (c.events > 0 && expected < c.events) ? " (event target not reached)" : "");
    const Histogram& d = total[kWatchDelivery].latency;
    std::printf("delivery latency (recorded -> received): p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms\n",
                d.QuantileMs(0.5), d.QuantileMs(0.99), d.QuantileMs(0.999), d.MaxMs());
    if (lost > 0 || dups > 0 || reordered > 0 || stream_errors > 0) failed = true;
    if (c.events > 0 && workers == 0 && expected < c.events) failed = true;
    absl::StrAppend(&json, ",\"watch\":{\"watchers\":", watchers.size(), ",\"from_sequence\":", shared.watch_from,
                    ",\"final_sequence\":", final_sequence, ",\"events\":", expected, ",\"lost\":", lost,
                    ",\"duplicates\":", dups, ",\"out_of_order\":", reordered, ",\"ended_early\":", stream_errors,
                    ",\"min_received\":", min_received, ",\"max_received\":", max_received,
                    ",\"received\":[", counts_json, "],\"delivery_p50_ms\":", Fixed(d.QuantileMs(0.5), 3),
                    ",\"delivery_p99_ms\":", Fixed(d.QuantileMs(0.99), 3), "}");
  }
  // The generator's own CPU use: near 100 % of a core means it, not the
  // server, may be the bottleneck.
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double cpu_seconds = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec +
                             usage.ru_stime.tv_usec / 1e6;
  const double wall_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("\ngenerator CPU: %.2f s in %.2f s (%.0f %% of one core)\n", cpu_seconds, wall_seconds,
              100 * cpu_seconds / std::max(wall_seconds, 1e-9));
  absl::StrAppend(&json, ",\"generator_cpu_s\":", Fixed(cpu_seconds, 2), ",\"wall_s\":", Fixed(wall_seconds, 2));
  if (unexpected > 0) failed = true;
  std::printf("unexpected errors: %llu; result: %s\n", static_cast<unsigned long long>(unexpected),
              failed ? "FAIL" : "OK");
  absl::StrAppend(&json, ",\"unexpected_errors\":", unexpected, ",\"ok\":", failed ? "false" : "true", "}");
  if (absl::GetFlag(FLAGS_json)) std::printf("%s\n", json.c_str());
  std::fflush(stdout);
  return failed ? kExitFailed : kExitOk;
}

}  // namespace
}  // namespace quotematch

int main(int argc, char** argv) { return quotematch::Run(argc, argv); }
