// File: fuzz/service_fuzzer.cc
//
// libFuzzer target: the v1 request handlers (server/handlers.h) in-process,
// on arbitrary serialized requests, as the gRPC service would call them
// after parsing a message off the wire.
//
// Input: the first byte picks the RPC (value % 6: Normalize,
// ExtractStatements, AlignDocuments, MatchStream, IngestDocuments,
// WatchMatches); the rest is
//   - unary RPCs: one serialized request;
//   - streams: up to 8 messages, each a 2-byte little-endian length and that
//     many bytes (a length past the end takes what is left). MatchStream and
//     IngestDocuments feed them in order to one session; WatchMatches reads
//     the request from the first message and MatchEvents to filter from the
//     rest (plus the feed's own latest events).
// A message that does not parse is skipped: that path is gRPC's, not ours.
//
// Invariants, beyond no crash, leak or undefined behaviour:
//   - a handler returns OK or INVALID_ARGUMENT, FAILED_PRECONDITION,
//     RESOURCE_EXHAUSTED or UNAVAILABLE, and a non-OK status has a message;
//     a stream message's rejection is INVALID_ARGUMENT or RESOURCE_EXHAUSTED
//     with a message, naming the document id as sent;
//   - every Span lies inside the text it refers to (Normalize: the request
//     text, display and key; statements and evidence: their document's
//     text), and the offset maps tile the display and the key;
//   - statements: ids "<document id>#<index>", content inside its sentence,
//     parts in order inside the content, the name inside the speaker span,
//     confidence in (0, 1];
//   - pairs: English statement on the English side, score in [0, 1], at
//     least the request's threshold; AlignDocuments by decreasing score, each
//     pair once (one below the threshold only as a one-to-two link, see
//     FuzzAlign), then one summary counting them whose unmatched statements
//     are in no pair; MatchStream pairs involve the document just added and
//     pair a statement at most once;
//   - IngestDocuments: one answer per document; the same document again is
//     UNCHANGED at the same version, new content under a stored id is
//     REPLACED at the next version; the statement count is the engine's;
//     the feed's event sequences stay gap-free;
//   - WatchMatches: an empty filter accepts every feed event, and dropping a
//     filter never turns an accepted event away.
// A violation prints the condition and aborts.
//
// Bounds: inputs over 4 KiB are ignored (scripts/fuzz passes -max_len=4096)
// and the engine refuses documents over kMaxDocumentBytes, so each input is
// a few milliseconds. The feed lives on a SQLite file (under /dev/shm when
// there is one, so the store's fsyncs are free) opened once per process and
// reopened empty every kInputsPerFeed feed inputs or when it holds more than
// kMaxFeedStatements statements, which keeps memory and disk bounded. A
// crash that depends on the feed's earlier state may therefore need the
// inputs before it; QM_FUZZ_FRESH_FEED=1 reopens the feed for every input,
// for reproducing. Files left by dead fuzzer processes are removed at start.
//
// Seeds: `service_fuzzer --write-seeds=DIR TEXT...` writes requests built
// from our own sample articles (`.fa.` in a name means Persian) and a few
// sentence pairs, then exits (scripts/fuzz does this).
//
//   scripts/fuzz service 600    # ten minutes under ASan + UBSan
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <google/protobuf/stubs/logging.h>
#include <grpcpp/support/status.h>

#include "feed/live_feed.h"
#include "pipeline/engine.h"
#include "quotematch/v1/quotematch.pb.h"
#include "server/convert.h"
#include "server/handlers.h"
#include "store/sqlite_store.h"

using namespace quotematch;

namespace {

#define FUZZ_CHECK(cond)                                                          \
  do {                                                                            \
    if (!(cond)) {                                                                \
      std::fprintf(stderr, "service_fuzzer.cc:%d: check failed: %s\n", __LINE__, \
                   #cond);                                                        \
      std::abort();                                                               \
    }                                                                             \
  } while (0)

constexpr size_t kMaxInputBytes = 4096;
// Smaller than the largest input, so the RESOURCE_EXHAUSTED path is reachable.
constexpr size_t kMaxDocumentBytes = 3072;
constexpr size_t kMaxStreamMessages = 8;
constexpr int kInputsPerFeed = 64;
constexpr size_t kMaxFeedStatements = 2000;

enum class Rpc : uint8_t { kNormalize, kExtract, kAlign, kMatchStream, kIngest, kWatch, kCount };

// ---------------------------------------------------------------- fixture

const Engine& FuzzEngine() {
  static const Engine* engine = [] {
    EngineOptions options;
    options.max_document_bytes = kMaxDocumentBytes;
    return new Engine(options);
  }();
  return *engine;
}

std::filesystem::path FeedPath() {
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::is_directory("/dev/shm", ec) && access("/dev/shm", W_OK) == 0
                                  ? std::filesystem::path("/dev/shm")
                                  : std::filesystem::temp_directory_path();
  return dir / ("qm_service_fuzzer_" + std::to_string(getpid()) + ".db");
}

void RemoveFeedFiles(const std::filesystem::path& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::remove(path.string() + suffix, ec);
  }
}

// Feed files left by fuzzer processes that died (a crash skips atexit, and
// libFuzzer's own exit may too).
void RemoveStaleFeedFiles(const std::filesystem::path& dir) {
  constexpr std::string_view kPrefix = "qm_service_fuzzer_";
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.compare(0, kPrefix.size(), kPrefix) != 0) continue;
    const long pid = std::strtol(name.c_str() + kPrefix.size(), nullptr, 10);
    if (pid <= 0 || pid == getpid() || kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
    std::filesystem::remove(entry.path(), ec);
  }
}

// The process's live feed, on a fresh SQLite file each time it is reset.
class FeedFixture {
 public:
  static FeedFixture& Get() {
    static FeedFixture* fixture = [] {
      RemoveStaleFeedFiles(FeedPath().parent_path());
      auto* f = new FeedFixture;
      std::atexit([] { RemoveFeedFiles(FeedPath()); });
      return f;
    }();
    return *fixture;
  }

  // The feed for the next input, reopened empty when it has served enough.
  LiveFeed& ForNextInput() {
    static const bool fresh_every_input = std::getenv("QM_FUZZ_FRESH_FEED") != nullptr;
    if (feed_ == nullptr || fresh_every_input || ++inputs_ >= kInputsPerFeed ||
        feed_->statement_count() > kMaxFeedStatements) {
      Reopen();
    }
    return *feed_;
  }

 private:
  void Reopen() {
    feed_.reset();
    inputs_ = 0;
    const std::filesystem::path path = FeedPath();
    RemoveFeedFiles(path);
    auto store = OpenSqliteStore(path.string());
    if (!store.ok()) {
      std::fprintf(stderr, "service_fuzzer: cannot open %s: %s\n", path.c_str(), store.status().ToString().c_str());
      std::abort();
    }
    LiveFeedOptions options;
    options.min_score = 0.3;  // as the feed tests: more pairs, more events
    options.rebuild_threads = 1;
    auto feed = LiveFeed::Open(FuzzEngine(), *std::move(store), options);
    if (!feed.ok()) {
      std::fprintf(stderr, "service_fuzzer: cannot open the feed: %s\n", feed.status().ToString().c_str());
      std::abort();
    }
    feed_ = *std::move(feed);
  }

  std::unique_ptr<LiveFeed> feed_;
  int inputs_ = 0;
};

// ---------------------------------------------------------------- input

// The messages of a stream input: 2-byte little-endian length + bytes.
std::vector<std::string_view> SplitMessages(std::string_view rest) {
  std::vector<std::string_view> out;
  while (rest.size() >= 2 && out.size() < kMaxStreamMessages) {
    const size_t len = static_cast<uint8_t>(rest[0]) | (static_cast<size_t>(static_cast<uint8_t>(rest[1])) << 8);
    rest.remove_prefix(2);
    const size_t take = std::min(len, rest.size());
    out.push_back(rest.substr(0, take));
    rest.remove_prefix(take);
  }
  return out;
}

template <typename Message>
bool Parse(std::string_view bytes, Message* m) {
  return m->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

// ---------------------------------------------------------------- checks

void CheckStatus(const grpc::Status& st) {
  switch (st.error_code()) {
    case grpc::StatusCode::OK: return;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::UNAVAILABLE:
      FUZZ_CHECK(!st.error_message().empty());
      return;
    default:
      std::fprintf(stderr, "service_fuzzer: unexpected status %d: %s\n", static_cast<int>(st.error_code()),
                   st.error_message().c_str());
      FUZZ_CHECK(false && "status code outside the allowed set");
  }
}

void CheckRejection(const v1::DocumentRejected& r, const v1::Document& sent) {
  FUZZ_CHECK(r.document_id() == sent.id());
  FUZZ_CHECK(r.code() == static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT) ||
             r.code() == static_cast<int>(grpc::StatusCode::RESOURCE_EXHAUSTED));
  FUZZ_CHECK(!r.message().empty());
}

bool SpanIn(const v1::Span& s, size_t size) { return s.begin() <= s.end() && s.end() <= size; }
bool SpanInside(const v1::Span& inner, const v1::Span& outer) {
  return outer.begin() <= inner.begin() && inner.end() <= outer.end();
}

// The statement index of `id` if it is "<document_id>#<index>", else -1.
long StatementIndex(const std::string& id, const std::string& document_id) {
  if (id.size() <= document_id.size() + 1 || id.compare(0, document_id.size(), document_id) != 0 ||
      id[document_id.size()] != '#') {
    return -1;
  }
  long index = 0;
  for (size_t i = document_id.size() + 1; i < id.size(); ++i) {
    if (id[i] < '0' || id[i] > '9' || index > 1'000'000) return -1;
    index = index * 10 + (id[i] - '0');
  }
  return index;
}

// A document as the checks need it.
struct SentDocument {
  v1::Language language = v1::LANGUAGE_UNSPECIFIED;
  std::string text;
  size_t statement_count = 0;
};

void CheckStatement(const v1::Statement& s, const std::string& document_id, const SentDocument& doc) {
  const size_t size = doc.text.size();
  FUZZ_CHECK(s.document_id() == document_id);
  FUZZ_CHECK(s.language() == doc.language);
  FUZZ_CHECK(StatementIndex(s.id(), document_id) >= 0);
  FUZZ_CHECK(s.kind() != v1::STATEMENT_KIND_UNSPECIFIED);
  FUZZ_CHECK(v1::SpeakerStatus_IsValid(s.speaker_status()));
  FUZZ_CHECK(!s.content().empty());
  FUZZ_CHECK(s.has_content_span() && s.has_sentence_span());
  FUZZ_CHECK(SpanIn(s.content_span(), size));
  FUZZ_CHECK(SpanIn(s.sentence_span(), size));
  FUZZ_CHECK(SpanInside(s.content_span(), s.sentence_span()));
  uint32_t at = s.content_span().begin();
  for (const v1::Span& p : s.content_parts()) {
    FUZZ_CHECK(SpanIn(p, size));
    FUZZ_CHECK(p.begin() >= at && p.end() <= s.content_span().end());
    at = p.end();
  }
  for (const v1::Span& f : s.fragments()) FUZZ_CHECK(SpanIn(f, size));
  if (s.has_speaker_span()) FUZZ_CHECK(SpanIn(s.speaker_span(), size));
  if (s.has_speaker_name_span()) {
    FUZZ_CHECK(SpanIn(s.speaker_name_span(), size));
    FUZZ_CHECK(s.has_speaker_span() && SpanInside(s.speaker_name_span(), s.speaker_span()));
  }
  if (s.has_cue_span()) FUZZ_CHECK(SpanIn(s.cue_span(), size));
  FUZZ_CHECK(s.confidence() > 0 && s.confidence() <= 1);
}

// Offset runs tile [0, output_size) in order and come from inside the text.
void CheckRuns(const google::protobuf::RepeatedPtrField<v1::OffsetRun>& runs, size_t output_size,
               size_t input_size) {
  uint32_t out = 0;
  for (const v1::OffsetRun& r : runs) {
    FUZZ_CHECK(r.output().begin() == out && r.output().begin() <= r.output().end());
    FUZZ_CHECK(SpanIn(r.original(), input_size));
    out = r.output().end();
  }
  FUZZ_CHECK(out == output_size);
}

// `threshold` < 0: the caller checks the score against its threshold.
void CheckPair(const v1::QuotePair& p, const std::string& en_id, const SentDocument& en, const std::string& fa_id,
               const SentDocument& fa, double threshold) {
  FUZZ_CHECK(en.language == v1::LANGUAGE_ENGLISH && fa.language == v1::LANGUAGE_PERSIAN);
  CheckStatement(p.english(), en_id, en);
  CheckStatement(p.persian(), fa_id, fa);
  FUZZ_CHECK(p.score() >= 0 && p.score() <= 1);
  if (threshold >= 0 && !(p.score() >= threshold)) {
    std::fprintf(stderr, "service_fuzzer: pair (%s, %s) scores %.17g, below the threshold %.17g\n", p.english().id().c_str(),
                 p.persian().id().c_str(), p.score(), threshold);
    FUZZ_CHECK(false && "a pair below the threshold");
  }
  for (const v1::Evidence& e : p.evidence()) {
    FUZZ_CHECK(e.kind() != v1::EVIDENCE_KIND_UNSPECIFIED);
    FUZZ_CHECK(SpanIn(e.english_span(), en.text.size()));
    FUZZ_CHECK(SpanIn(e.persian_span(), fa.text.size()));
  }
  // The contributions sum to the log-odds whose logistic is the score.
  double log_odds = 0;
  for (const v1::FeatureContribution& c : p.contributions()) {
    FUZZ_CHECK(std::isfinite(c.contribution()));
    log_odds += c.contribution();
  }
  if (!p.contributions().empty()) FUZZ_CHECK(std::fabs(1 / (1 + std::exp(-log_odds)) - p.score()) < 1e-6);
}

SentDocument Sent(const v1::Document& d) { return {d.language(), d.text(), 0}; }

// ---------------------------------------------------------------- RPCs

void FuzzNormalize(std::string_view bytes) {
  v1::NormalizeRequest request;
  if (!Parse(bytes, &request)) return;
  v1::NormalizeResponse response;
  const grpc::Status st = HandleNormalize(FuzzEngine(), request, &response);
  CheckStatus(st);
  if (!st.ok()) return;
  const size_t size = request.text().size();
  if (request.language() != v1::LANGUAGE_UNSPECIFIED) FUZZ_CHECK(response.language() == request.language());
  const size_t display = response.display().size(), key = response.key().size();
  CheckRuns(response.display_map(), display, size);
  CheckRuns(response.key_map(), key, size);
  for (const v1::Token& t : response.tokens()) {
    FUZZ_CHECK(SpanIn(t.span(), size));
    FUZZ_CHECK(SpanIn(t.display_span(), display));
    FUZZ_CHECK(SpanIn(t.key_span(), key));
    FUZZ_CHECK(t.kind() != v1::TOKEN_KIND_UNSPECIFIED);
  }
  for (const v1::Quantity& q : response.quantities()) {
    FUZZ_CHECK(SpanIn(q.span(), size));
    FUZZ_CHECK(uint64_t{q.first_token()} + q.token_count() <= static_cast<uint64_t>(response.tokens_size()));
  }
  for (const v1::CalendarDate& d : response.dates()) FUZZ_CHECK(SpanIn(d.span(), size));
}

void FuzzExtract(std::string_view bytes) {
  v1::ExtractStatementsRequest request;
  if (!Parse(bytes, &request)) return;
  v1::ExtractStatementsResponse response;
  const grpc::Status st = HandleExtractStatements(FuzzEngine(), request, &response);
  CheckStatus(st);
  if (!st.ok()) return;
  const v1::Document& d = request.document();
  const SentDocument doc = Sent(d);
  for (int i = 0; i < response.statements_size(); ++i) {
    const v1::Statement& s = response.statements(i);
    CheckStatement(s, d.id(), doc);
    FUZZ_CHECK(s.id() == d.id() + "#" + std::to_string(i));
  }
}

void FuzzAlign(std::string_view bytes) {
  v1::AlignDocumentsRequest request;
  if (!Parse(bytes, &request)) return;
  std::vector<v1::AlignDocumentsResponse> responses;
  const grpc::Status st = HandleAlignDocuments(FuzzEngine(), request, &responses);
  CheckStatus(st);
  if (!st.ok()) return;
  const std::string& en_id = request.english().id();
  const std::string& fa_id = request.persian().id();
  const SentDocument en = Sent(request.english()), fa = Sent(request.persian());
  FUZZ_CHECK(!responses.empty() && responses.back().has_summary());
  const double threshold = request.min_score() == 0 ? FuzzEngine().options().default_min_score : request.min_score();
  // A statement may be in more than one pair (one-to-two links, see
  // Aligner::AlignDocuments), but a pair is reported once, and a statement
  // left unmatched is in none.
  std::set<std::pair<std::string, std::string>> pairs;
  std::set<std::string> en_paired, fa_paired, en_above, fa_above;
  double last_score = 2;
  for (size_t i = 0; i + 1 < responses.size(); ++i) {
    FUZZ_CHECK(responses[i].has_pair());
    const v1::QuotePair& p = responses[i].pair();
    CheckPair(p, en_id, en, fa_id, fa, /*threshold=*/-1);
    FUZZ_CHECK(p.score() <= last_score);
    last_score = p.score();
    FUZZ_CHECK(pairs.emplace(p.english().id(), p.persian().id()).second);
    en_paired.insert(p.english().id());
    fa_paired.insert(p.persian().id());
    if (p.score() >= threshold) {
      en_above.insert(p.english().id());
      fa_above.insert(p.persian().id());
    }
  }
  // A pair below the threshold must be a one-to-two link: a left-over
  // statement joined to one already in a pair above it. The aligner admits
  // such a link on the left-over statement's own coverage
  // (docs/alignment.md, step 5) but reports its full pairwise score, which
  // can be far lower, although the proto calls min_score the "minimum score
  // of a reported pair". Reported to the lead; only the link's shape is
  // checked here.
  for (size_t i = 0; i + 1 < responses.size(); ++i) {
    const v1::QuotePair& p = responses[i].pair();
    if (p.score() >= threshold) continue;
    FUZZ_CHECK(en_above.count(p.english().id()) + fa_above.count(p.persian().id()) == 1);
  }
  const v1::AlignmentSummary& summary = responses.back().summary();
  FUZZ_CHECK(summary.pair_count() == responses.size() - 1);
  for (const v1::Statement& s : summary.unmatched_english()) {
    CheckStatement(s, en_id, en);
    FUZZ_CHECK(en_paired.insert(s.id()).second);
  }
  for (const v1::Statement& s : summary.unmatched_persian()) {
    CheckStatement(s, fa_id, fa);
    FUZZ_CHECK(fa_paired.insert(s.id()).second);
  }
}

void FuzzMatchStream(std::string_view rest) {
  MatchStreamHandler handler(FuzzEngine());
  std::map<std::string, SentDocument> accepted;
  std::set<std::string> paired;
  double threshold = -1;  // resolved from the first message handled
  for (std::string_view bytes : SplitMessages(rest)) {
    v1::MatchStreamRequest request;
    if (!Parse(bytes, &request)) continue;
    std::vector<v1::MatchStreamResponse> responses;
    const grpc::Status st = handler.OnRequest(request, &responses);
    CheckStatus(st);
    if (!st.ok()) {
      FUZZ_CHECK(threshold < 0);  // only the first message's min_score ends the stream
      FUZZ_CHECK(responses.empty());
      return;
    }
    if (threshold < 0) {
      threshold = request.min_score() == 0 ? FuzzEngine().options().default_min_score : request.min_score();
    }
    const v1::Document& d = request.document();
    FUZZ_CHECK(!responses.empty());
    if (responses[0].has_rejected()) {
      FUZZ_CHECK(responses.size() == 1);
      CheckRejection(responses[0].rejected(), d);
      continue;
    }
    FUZZ_CHECK(responses[0].has_accepted());
    FUZZ_CHECK(responses[0].accepted().document_id() == d.id());
    FUZZ_CHECK(accepted.count(d.id()) == 0);  // ids are unique within a session
    SentDocument doc = Sent(d);
    doc.statement_count = responses[0].accepted().statement_count();
    accepted.emplace(d.id(), std::move(doc));
    for (size_t i = 1; i < responses.size(); ++i) {
      FUZZ_CHECK(responses[i].has_pair());
      const v1::QuotePair& p = responses[i].pair();
      const auto en = accepted.find(p.english().document_id());
      const auto fa = accepted.find(p.persian().document_id());
      FUZZ_CHECK(en != accepted.end() && fa != accepted.end());
      CheckPair(p, en->first, en->second, fa->first, fa->second, threshold);
      FUZZ_CHECK(p.english().document_id() == d.id() || p.persian().document_id() == d.id());
      for (const v1::Statement* s : {&p.english(), &p.persian()}) {
        const long index = StatementIndex(s->id(), s->document_id());
        FUZZ_CHECK(index >= 0 && static_cast<size_t>(index) < accepted.at(s->document_id()).statement_count);
        FUZZ_CHECK(paired.insert(s->id()).second);  // paired at most once per session
      }
    }
  }
}

// What the feed holds of a document this input stored.
struct StoredVersion {
  v1::Document document;
  int64_t version = 0;
};

bool SameContent(const v1::Document& a, const v1::Document& b) {
  const bool a_time = a.has_published_time(), b_time = b.has_published_time();
  return a.language() == b.language() && a.text() == b.text() && a.source() == b.source() && a_time == b_time &&
         (!a_time || a.published_time().seconds() == b.published_time().seconds());
}

void CheckFeedEvents(LiveFeed& feed, int64_t after) {
  auto events = feed.EventsAfter(after, 100000);
  FUZZ_CHECK(events.ok());
  int64_t expect = after + 1;
  const v1::WatchMatchesRequest everything;
  for (const MatchEvent& e : *events) {
    FUZZ_CHECK(e.sequence == expect);
    ++expect;
    FUZZ_CHECK(e.match.score >= 0 && e.match.score <= 1);
    FUZZ_CHECK(e.match.new_side == Language::kEnglish || e.match.new_side == Language::kPersian);
    FUZZ_CHECK(WatchFilterAccepts(everything, e));
  }
  FUZZ_CHECK(expect - 1 == feed.last_sequence());
}

void FuzzIngest(std::string_view rest) {
  LiveFeed& feed = FeedFixture::Get().ForNextInput();
  const int64_t sequence_before = feed.last_sequence();
  IngestHandler handler(feed);
  std::map<std::string, StoredVersion> stored;
  for (std::string_view bytes : SplitMessages(rest)) {
    v1::IngestDocumentsRequest request;
    if (!Parse(bytes, &request)) continue;
    std::vector<v1::IngestDocumentsResponse> responses;
    const grpc::Status st = handler.OnRequest(request, &responses);
    CheckStatus(st);
    FUZZ_CHECK(st.ok());  // a store on a local file does not fail
    FUZZ_CHECK(responses.size() == 1);
    const v1::Document& d = request.document();
    if (responses[0].has_rejected()) {
      CheckRejection(responses[0].rejected(), d);
      continue;
    }
    FUZZ_CHECK(responses[0].has_stored());
    const v1::DocumentStored& s = responses[0].stored();
    FUZZ_CHECK(s.document_id() == d.id());
    FUZZ_CHECK(s.version() >= 1);
    FUZZ_CHECK(s.last_sequence() >= 0 && s.last_sequence() <= feed.last_sequence());
    FUZZ_CHECK(s.outcome() != v1::INGEST_OUTCOME_UNSPECIFIED);
    const auto earlier = stored.find(d.id());
    if (earlier != stored.end()) {
      if (SameContent(earlier->second.document, d)) {
        FUZZ_CHECK(s.outcome() == v1::INGEST_OUTCOME_UNCHANGED && s.version() == earlier->second.version);
      } else if (earlier->second.document.text() != d.text()) {
        FUZZ_CHECK(s.outcome() == v1::INGEST_OUTCOME_REPLACED && s.version() == earlier->second.version + 1);
      }
    }
    if (s.outcome() != v1::INGEST_OUTCOME_UNCHANGED) {
      // The feed stores the statements the engine extracts.
      auto doc = DocumentFromProto(d, "document");
      FUZZ_CHECK(doc.ok());
      auto statements = FuzzEngine().Extract(*doc, "document");
      FUZZ_CHECK(statements.ok() && statements->size() == s.statement_count());
    }
    stored[d.id()] = {d, s.version()};
  }
  CheckFeedEvents(feed, sequence_before);
}

MatchEvent EventFromProto(const v1::MatchEvent& e) {
  MatchEvent out;
  out.sequence = e.sequence();
  out.type = e.type() == v1::MATCH_EVENT_TYPE_SUPERSEDED  ? MatchEventType::kSuperseded
             : e.type() == v1::MATCH_EVENT_TYPE_RETRACTED ? MatchEventType::kRetracted
                                                          : MatchEventType::kAdded;
  out.match.id = e.match_id();
  out.match.english_statement = e.english_statement_id();
  out.match.persian_statement = e.persian_statement_id();
  out.match.english_document = e.english_document_id();
  out.match.persian_document = e.persian_document_id();
  out.match.score = e.score();
  out.match.speaker = e.speaker();
  out.match.source = e.source();
  auto side = LanguageFromProto(e.new_side(), "new_side");
  out.match.new_side = side.ok() ? *side : Language::kUnspecified;
  out.recorded_unix_micros = e.recorded_unix_micros();
  return out;
}

void FuzzWatch(std::string_view rest) {
  const std::vector<std::string_view> messages = SplitMessages(rest);
  if (messages.empty()) return;
  v1::WatchMatchesRequest request;
  if (!Parse(messages[0], &request)) return;
  const grpc::Status st = ValidateWatch(request);
  CheckStatus(st);
  if (!st.ok()) {
    FUZZ_CHECK(st.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    return;
  }
  FUZZ_CHECK(request.after_sequence() >= 0 && request.min_score() >= 0 && request.min_score() <= 1);
  std::vector<MatchEvent> events;
  for (size_t i = 1; i < messages.size(); ++i) {
    v1::MatchEvent e;
    if (Parse(messages[i], &e)) events.push_back(EventFromProto(e));
  }
  LiveFeed& feed = FeedFixture::Get().ForNextInput();
  auto latest = feed.EventsAfter(std::max<int64_t>(0, feed.last_sequence() - 16), 16);
  FUZZ_CHECK(latest.ok());
  events.insert(events.end(), latest->begin(), latest->end());
  // Each filter, dropped, keeps what the request accepts.
  v1::WatchMatchesRequest any_score = request, any_source = request, any_side = request, any_speaker = request;
  any_score.set_min_score(0);
  any_source.clear_source();
  any_side.set_new_side(v1::LANGUAGE_UNSPECIFIED);
  any_speaker.clear_speaker();
  for (const MatchEvent& e : events) {
    if (!WatchFilterAccepts(request, e)) continue;
    if (std::isnan(e.match.score)) continue;  // only fuzzed events; the feed's scores are in [0, 1]
    FUZZ_CHECK(e.match.score >= request.min_score());
    if (e.match.score >= 0) FUZZ_CHECK(WatchFilterAccepts(any_score, e));
    FUZZ_CHECK(WatchFilterAccepts(any_source, e));
    FUZZ_CHECK(WatchFilterAccepts(any_side, e));
    FUZZ_CHECK(WatchFilterAccepts(any_speaker, e));
  }
}

// ---------------------------------------------------------------- seeds

// Our own sentence pairs: a name, a number and a place on both sides.
struct SentencePair {
  const char* en;
  const char* fa;
};
constexpr SentencePair kPairs[] = {
    {"Ali Khan said: “120 trucks crossed the border at Taftan on Friday and the crossing will stay open.”",
     "علی خان گفت: «۱۲۰ کامیون روز جمعه از مرز تفتان عبور کردند و این گذرگاه باز می‌ماند.»"},
    {"Reza Amini told reporters that 35 villages near Saravan had no water since Monday.",
     "رضا امینی به خبرنگاران گفت که ۳۵ روستا در نزدیکی سراوان از دوشنبه آب ندارند."},
    {"According to Sara Ahmadi, the ministry will pay 2.5 million rials to each family. “We will not wait,” she "
     "said.",
     "به گفته سارا احمدی، وزارتخانه به هر خانواده ۲٫۵ میلیون ریال می‌پردازد. او گفت: «منتظر نمی‌مانیم.»"},
};

v1::Document MakeDocument(const std::string& id, v1::Language language, const std::string& text,
                          int64_t published = 1700000000, const std::string& source = "seed") {
  v1::Document d;
  d.set_id(id);
  d.set_language(language);
  d.set_text(text);
  if (published != 0) d.mutable_published_time()->set_seconds(published);
  d.set_source(source);
  return d;
}

std::string Unary(Rpc rpc, const google::protobuf::Message& m) {
  return std::string(1, static_cast<char>(rpc)) + m.SerializeAsString();
}

std::string Stream(Rpc rpc, const std::vector<const google::protobuf::Message*>& messages) {
  std::string out(1, static_cast<char>(rpc));
  for (const google::protobuf::Message* m : messages) {
    const std::string bytes = m->SerializeAsString();
    const size_t len = std::min<size_t>(bytes.size(), 0xffff);
    out.push_back(static_cast<char>(len & 0xff));
    out.push_back(static_cast<char>(len >> 8));
    out.append(bytes, 0, len);
  }
  return out;
}

// `text` cut to at most `limit` bytes at a paragraph (or, failing that, a
// UTF-8 character) boundary.
std::string Truncate(const std::string& text, size_t limit) {
  if (text.size() <= limit) return text;
  size_t cut = text.rfind("\n\n", limit);
  if (cut == std::string::npos || cut == 0) {
    cut = limit;
    while (cut > 0 && (static_cast<uint8_t>(text[cut]) & 0xc0) == 0x80) --cut;
  }
  return text.substr(0, cut);
}

int WriteSeeds(const std::string& dir, const std::vector<std::string>& text_files) {
  std::vector<std::string> seeds;
  struct Text {
    v1::Language language;
    std::string text;
  };
  std::vector<Text> texts;
  for (const SentencePair& p : kPairs) {
    texts.push_back({v1::LANGUAGE_ENGLISH, p.en});
    texts.push_back({v1::LANGUAGE_PERSIAN, p.fa});
  }
  for (const std::string& path : text_files) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    if (!in) {
      std::fprintf(stderr, "service_fuzzer: cannot read %s\n", path.c_str());
      return 1;
    }
    const bool persian = std::filesystem::path(path).filename().string().find(".fa.") != std::string::npos;
    texts.push_back({persian ? v1::LANGUAGE_PERSIAN : v1::LANGUAGE_ENGLISH, Truncate(buffer.str(), kMaxDocumentBytes)});
  }
  // One document: Normalize (language given and detected), ExtractStatements.
  for (size_t i = 0; i < texts.size(); ++i) {
    v1::NormalizeRequest n;
    n.set_text(Truncate(texts[i].text, kMaxInputBytes - 16));
    n.set_language(texts[i].language);
    seeds.push_back(Unary(Rpc::kNormalize, n));
    if (i < 2 * std::size(kPairs)) {
      n.set_language(v1::LANGUAGE_UNSPECIFIED);
      seeds.push_back(Unary(Rpc::kNormalize, n));
    }
    v1::ExtractStatementsRequest e;
    *e.mutable_document() = MakeDocument("doc-" + std::to_string(i), texts[i].language, texts[i].text);
    seeds.push_back(Unary(Rpc::kExtract, e));
  }
  // English–Persian pairs: AlignDocuments, MatchStream, IngestDocuments.
  std::string en_long = kPairs[0].en, fa_long = kPairs[0].fa;
  for (size_t i = texts.size(); i-- > 2 * std::size(kPairs);) {
    (texts[i].language == v1::LANGUAGE_ENGLISH ? en_long : fa_long) = Truncate(texts[i].text, 1800);
  }
  for (size_t i = 0; i < std::size(kPairs); ++i) {
    const v1::Document en = MakeDocument("en-" + std::to_string(i), v1::LANGUAGE_ENGLISH, kPairs[i].en);
    const v1::Document fa = MakeDocument("fa-" + std::to_string(i), v1::LANGUAGE_PERSIAN, kPairs[i].fa, 1700000600);
    v1::AlignDocumentsRequest a;
    *a.mutable_english() = en;
    *a.mutable_persian() = fa;
    a.set_min_score(i == 0 ? 0 : 0.3);
    seeds.push_back(Unary(Rpc::kAlign, a));

    v1::MatchStreamRequest m1, m2, m3, m4;
    *m1.mutable_document() = en;
    m1.set_min_score(i == 0 ? 0 : 0.3);
    *m2.mutable_document() = fa;
    *m3.mutable_document() = en;  // duplicate id: rejected
    *m4.mutable_document() = MakeDocument("", v1::LANGUAGE_PERSIAN, "");
    seeds.push_back(Stream(Rpc::kMatchStream, {&m1, &m2, &m3, &m4}));

    v1::IngestDocumentsRequest g1, g2, g3, g4, g5;
    *g1.mutable_document() = en;
    *g2.mutable_document() = fa;
    *g3.mutable_document() = en;  // unchanged
    *g4.mutable_document() = MakeDocument(en.id(), v1::LANGUAGE_ENGLISH, std::string(kPairs[i].en) + " He added nothing.",
                                          1700000900, "other");  // replaced
    *g5.mutable_document() = MakeDocument("x", v1::LANGUAGE_UNSPECIFIED, "no language");
    seeds.push_back(Stream(Rpc::kIngest, {&g1, &g2, &g3, &g4, &g5}));
  }
  {
    // Longer articles on both sides.
    v1::AlignDocumentsRequest a;
    *a.mutable_english() = MakeDocument("en-long", v1::LANGUAGE_ENGLISH, en_long);
    *a.mutable_persian() = MakeDocument("fa-long", v1::LANGUAGE_PERSIAN, fa_long);
    seeds.push_back(Unary(Rpc::kAlign, a));
    v1::IngestDocumentsRequest g1, g2;
    *g1.mutable_document() = a.english();
    *g2.mutable_document() = a.persian();
    seeds.push_back(Stream(Rpc::kIngest, {&g1, &g2}));
  }
  // WatchMatches: filters, and events to filter.
  {
    v1::WatchMatchesRequest w;
    w.set_after_sequence(3);
    w.set_min_score(0.4);
    w.set_speaker("Ali Khan");
    w.set_source("seed");
    w.set_new_side(v1::LANGUAGE_PERSIAN);
    v1::MatchEvent e1, e2;
    e1.set_sequence(4);
    e1.set_type(v1::MATCH_EVENT_TYPE_ADDED);
    e1.set_match_id(1);
    e1.set_english_statement_id("en-0#0");
    e1.set_persian_statement_id("fa-0#0");
    e1.set_english_document_id("en-0");
    e1.set_persian_document_id("fa-0");
    e1.set_score(0.8);
    e1.set_speaker("Ali Khan");
    e1.set_source("seed");
    e1.set_new_side(v1::LANGUAGE_PERSIAN);
    e2 = e1;
    e2.set_sequence(5);
    e2.set_type(v1::MATCH_EVENT_TYPE_RETRACTED);
    e2.set_speaker("علی خان");
    seeds.push_back(Stream(Rpc::kWatch, {&w, &e1, &e2}));
    v1::WatchMatchesRequest bad;
    bad.set_after_sequence(-1);
    seeds.push_back(Stream(Rpc::kWatch, {&bad}));
    seeds.push_back(Stream(Rpc::kWatch, {&bad, &e1}));
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  size_t written = 0;
  for (size_t i = 0; i < seeds.size(); ++i) {
    if (seeds[i].size() > kMaxInputBytes) continue;
    char name[32];
    std::snprintf(name, sizeof name, "seed-%03zu", i);
    std::ofstream out(std::filesystem::path(dir) / name, std::ios::binary | std::ios::trunc);
    out.write(seeds[i].data(), static_cast<std::streamsize>(seeds[i].size()));
    if (!out) {
      std::fprintf(stderr, "service_fuzzer: cannot write %s/%s\n", dir.c_str(), name);
      return 1;
    }
    ++written;
  }
  std::fprintf(stderr, "service_fuzzer: wrote %zu seeds to %s\n", written, dir.c_str());
  return 0;
}

void IgnoreProtobufLog(google::protobuf::LogLevel, const char*, int, const std::string&) {}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  // Parse failures of invalid UTF-8 strings are logged; they are the expected case here.
  google::protobuf::SetLogHandler(&IgnoreProtobufLog);
  constexpr std::string_view kFlag = "--write-seeds=";
  for (int i = 1; i < *argc; ++i) {
    const std::string_view arg = (*argv)[i];
    if (arg.substr(0, kFlag.size()) != kFlag) continue;
    std::vector<std::string> files;
    for (int j = 1; j < *argc; ++j) {
      if ((*argv)[j][0] != '-') files.emplace_back((*argv)[j]);
    }
    std::exit(WriteSeeds(std::string(arg.substr(kFlag.size())), files));
  }
  // The engine's data and the feed take seconds to build under ASan: build
  // them here, outside any input's -timeout.
  FeedFixture::Get().ForNextInput();
  const Document en{"warm-en", Language::kEnglish, kPairs[0].en, std::nullopt, ""};
  const Document fa{"warm-fa", Language::kPersian, kPairs[0].fa, std::nullopt, ""};
  FUZZ_CHECK(FuzzEngine().Align(en, fa, 0).ok());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > kMaxInputBytes) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (static_cast<Rpc>(data[0] % static_cast<uint8_t>(Rpc::kCount))) {
    case Rpc::kNormalize: FuzzNormalize(rest); break;
    case Rpc::kExtract: FuzzExtract(rest); break;
    case Rpc::kAlign: FuzzAlign(rest); break;
    case Rpc::kMatchStream: FuzzMatchStream(rest); break;
    case Rpc::kIngest: FuzzIngest(rest); break;
    case Rpc::kWatch: FuzzWatch(rest); break;
    case Rpc::kCount: break;
  }
  return 0;
}
