#include "server/service.h"

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <deque>
#include <mutex>
#include <random>
#include <thread>

#include "server/convert.h"
#include "server/handlers.h"
#include <grpcpp/support/message_allocator.h>

#include "base/strings.h"
#include "server/rpc_log.h"
#include "server/status_details.h"

namespace quotematch {
namespace {

using Clock = std::chrono::steady_clock;

double MillisSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

const grpc::Status kShuttingDown(grpc::StatusCode::UNAVAILABLE, "server is shutting down");

// A request id from the client is kept if it is 1–128 characters of
// [A-Za-z0-9._:-]; otherwise the server makes one up.
bool ValidRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != ':' && c != '-') return false;
  }
  return true;
}

std::string NewRequestId() {
  thread_local std::mt19937_64 rng(std::random_device{}() ^ std::hash<std::thread::id>()(std::this_thread::get_id()));
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(rng()));
  return out;
}

std::string_view Metadata(const grpc::CallbackServerContext* context, std::string_view key) {
  const auto& md = context->client_metadata();
  auto it = md.find(grpc::string_ref(key.data(), key.size()));
  if (it == md.end()) return {};
  return std::string_view(it->second.data(), it->second.size());
}

// "ipv4:10.0.0.7:53422" → "ipv4:10.0.0.7": the caller without authentication.
std::string PeerHost(const std::string& peer) {
  const size_t colon = peer.rfind(':');
  return colon == std::string::npos || colon < 5 ? peer : peer.substr(0, colon);
}

}  // namespace

// One call's bookkeeping: its request id and caller, its admission (token
// and scope, rate, open-stream limits), and its log line and metrics when
// it ends. Created on the callback thread that starts the call.
class ServiceCall {
 public:
  enum class Slot { kNone, kStream, kWatcher };

  ServiceCall(const char* method, grpc::CallbackServerContext* context, const ServiceOptions& options, ServiceStats& stats)
      : method_(method), context_(context), options_(options), stats_(stats), start_(Clock::now()),
        peer_(context->peer()) {
    const std::string_view id = Metadata(context, "x-request-id");
    request_id_ = ValidRequestId(id) ? std::string(id) : NewRequestId();
    context->AddInitialMetadata("x-request-id", request_id_);
  }
  ServiceCall(const ServiceCall&) = delete;
  ServiceCall& operator=(const ServiceCall&) = delete;
  ~ServiceCall() { Release(); }

  // OK, or the status to end the call with at once.
  grpc::Status Admit(Scope scope, Slot slot) {
    if (options_.tokens != nullptr) {
      absl::StatusOr<std::string> who = options_.tokens->Authorize(Metadata(context_, "authorization"), scope);
      if (!who.ok()) {
        const std::string_view message = AsStd(who.status().message());
        const std::string_view reason = message.substr(0, message.find(':'));
        if (who.status().code() == absl::StatusCode::kPermissionDenied) {
          return Refuse("permission", PermissionDenied(reason, message));
        }
        return Refuse("unauthenticated", Unauthenticated(reason, message));
      }
      caller_ = *std::move(who);
    }
    if (options_.rate_limiter != nullptr) {
      const std::string key = caller_.empty() ? PeerHost(peer_) : "token:" + caller_;
      const std::chrono::milliseconds wait = options_.rate_limiter->Acquire(key);
      if (wait.count() > 0) {
        return Refuse("rate", RateLimited(key, StrCat("rate limit of ", options_.rate_limiter->rate(),
                                                      " calls/s (burst ", options_.rate_limiter->burst(),
                                                      ") exceeded"),
                                          wait));
      }
    }
    if (slot == Slot::kStream) {
      if (++stats_.open_streams > options_.max_streams) {
        --stats_.open_streams;
        return Refuse("streams", QuotaExceeded("max_streams", StrCat("at most ", options_.max_streams,
                                                                     " streaming calls are open at once")));
      }
    } else if (slot == Slot::kWatcher) {
      if (++stats_.open_watchers > options_.max_watchers) {
        --stats_.open_watchers;
        return Refuse("watchers", QuotaExceeded("max_watchers", StrCat("at most ", options_.max_watchers,
                                                                       " WatchMatches calls are open at once")));
      }
    }
    slot_ = slot;
    if (options_.metrics != nullptr && slot == Slot::kStream) options_.metrics->AddOpenStreams(1);
    if (options_.metrics != nullptr && slot == Slot::kWatcher) options_.metrics->AddOpenWatchers(1);
    return grpc::Status::OK;
  }

  // QuotaFailure if a request message is larger than max_message_bytes.
  grpc::Status CheckSize(const google::protobuf::Message& message) const {
    if (options_.max_message_bytes == 0) return grpc::Status::OK;
    const size_t bytes = message.ByteSizeLong();
    if (bytes <= options_.max_message_bytes) return grpc::Status::OK;
    return QuotaExceeded("max_message_bytes", StrCat("a message of ", bytes, " bytes exceeds the limit of ",
                                                     options_.max_message_bytes));
  }

  // Whether a request is small enough to handle on the gRPC thread.
  bool RunsInline(const google::protobuf::Message& request) const {
    return options_.inline_request_bytes > 0 && request.ByteSizeLong() <= options_.inline_request_bytes;
  }

  // Whether the client has gone or the deadline passed (the work is then
  // skipped, and counted).
  bool Abandoned() const {
    // The deadline is checked too: gRPC's own timer may not have cancelled
    // the call yet.
    if (!context_->IsCancelled() && context_->deadline() > std::chrono::system_clock::now()) return false;
    ++stats_.abandoned;
    return true;
  }

  // Logs the call and records its metrics; once, from OnDone.
  void End(const grpc::Status& status) {
    const double ms = MillisSince(start_);
    LogRpc(method_, status, ms, peer_, request_id_, caller_);
    if (options_.metrics != nullptr) options_.metrics->ObserveRpc(method_, status.error_code(), ms / 1000);
    Release();
  }

  const std::string& caller() const { return caller_; }

  // Whether the call was cancelled or its deadline passed.
  bool Cancelled() const { return context_->IsCancelled(); }

  // How a call that ended early ends: DEADLINE_EXCEEDED when its deadline
  // has passed, else CANCELLED (the client went away). A client whose
  // deadline fires cancels the stream itself, and that can arrive just
  // before the server's copy of the deadline (which is the client's timeout
  // counted from arrival) passes: within 100 ms of it counts as expired.
  grpc::Status Gone() const {
    if (context_->deadline() <= std::chrono::system_clock::now() + std::chrono::milliseconds(100)) {
      return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "deadline exceeded");
    }
    return grpc::Status(grpc::StatusCode::CANCELLED, "call cancelled by the client");
  }

 private:
  grpc::Status Refuse(std::string_view reason, grpc::Status status) {
    if (options_.metrics != nullptr) options_.metrics->Rejected(reason);
    return status;
  }

  void Release() {
    if (slot_ == Slot::kStream) {
      --stats_.open_streams;
      if (options_.metrics != nullptr) options_.metrics->AddOpenStreams(-1);
    } else if (slot_ == Slot::kWatcher) {
      --stats_.open_watchers;
      if (options_.metrics != nullptr) options_.metrics->AddOpenWatchers(-1);
    }
    slot_ = Slot::kNone;
  }

  const char* method_;
  grpc::CallbackServerContext* context_;
  const ServiceOptions& options_;
  ServiceStats& stats_;
  const Clock::time_point start_;
  const std::string peer_;   // read at the start: a finished stream's peer reads "unknown"
  std::string request_id_, caller_;
  Slot slot_ = Slot::kNone;
};

namespace {

template <typename Request, typename Response, typename Handler>
grpc::ServerUnaryReactor* RunUnary(std::unique_ptr<ServiceCall> call, WorkQueue& pool, grpc::CallbackServerContext* context,
                                   const Request* request, Response* response, Handler handler) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  grpc::Status admitted = call->Admit(Scope::kRead, ServiceCall::Slot::kNone);
  if (admitted.ok()) admitted = call->CheckSize(*request);
  if (!admitted.ok()) {
    call->End(admitted);
    reactor->Finish(admitted);
    return reactor;
  }
  if (call->RunsInline(*request)) {
    grpc::Status status = call->Abandoned() ? call->Gone() : handler(*request, response);
    call->End(status);
    reactor->Finish(status);
    return reactor;
  }
  std::shared_ptr<ServiceCall> shared(std::move(call));
  bool queued = pool.Submit([=] {
    grpc::Status status = shared->Abandoned() ? shared->Gone() : handler(*request, response);
    shared->End(status);
    reactor->Finish(status);
  });
  if (!queued) {
    shared->End(kShuttingDown);
    reactor->Finish(kShuttingDown);
  }
  return reactor;
}

// AlignDocuments: compute on the pool, then write the messages one at a
// time. The chain compute → write → OnWriteDone → write … → Finish is
// sequential; OnCancel only raises a flag that the chain checks.
class AlignWriter final : public grpc::ServerWriteReactor<v1::AlignDocumentsResponse> {
 public:
  AlignWriter(std::unique_ptr<ServiceCall> call, const v1::AlignDocumentsRequest* request, const Engine& engine,
              WorkQueue& pool)
      : call_(std::move(call)), request_(request), engine_(engine) {
    grpc::Status admitted = call_->Admit(Scope::kRead, ServiceCall::Slot::kStream);
    if (admitted.ok()) admitted = call_->CheckSize(*request_);
    if (!admitted.ok()) {
      End(admitted);
    } else if (call_->RunsInline(*request_)) {
      Compute();
    } else if (!pool.Submit([this] { Compute(); })) {
      End(kShuttingDown);
    }
  }

  void OnWriteDone(bool ok) override {
    if (!ok) return End(grpc::Status(grpc::StatusCode::CANCELLED, "write failed: client gone"));
    if (cancelled_.load()) return End(call_->Gone());
    WriteNext();
  }
  void OnCancel() override { cancelled_.store(true); }
  void OnDone() override {
    call_->End(status_);
    delete this;
  }

 private:
  void Compute() {
    if (cancelled_.load() || call_->Abandoned()) return End(call_->Gone());
    grpc::Status status = HandleAlignDocuments(engine_, *request_, &responses_);
    if (!status.ok()) return End(status);
    if (cancelled_.load()) return End(call_->Gone());
    WriteNext();
  }
  void WriteNext() {
    if (next_ < responses_.size()) {
      StartWrite(&responses_[next_++]);
    } else {
      End(grpc::Status::OK);
    }
  }
  void End(const grpc::Status& status) {
    status_ = status;
    Finish(status);
  }

  std::unique_ptr<ServiceCall> call_;
  const v1::AlignDocumentsRequest* request_;
  const Engine& engine_;
  std::vector<v1::AlignDocumentsResponse> responses_;
  size_t next_ = 0;
  std::atomic<bool> cancelled_{false};
  grpc::Status status_;
};

// MatchStream: one request is processed at a time (the next read starts
// when the pool has handled the current one, which also bounds memory per
// stream); responses queue up with one write in flight.
//
// Lifetime: a processing step (from OnReadDone to the end of Process) may
// start gRPC operations after it released the mutex. While any step is in
// flight, Finish is deferred (pending_finish_) and issued by the last step
// as its final action, so OnDone — which deletes the reactor — can never run
// while a step still uses it.
template <typename Request, typename Response, typename Handler>
class BidiStreamReactor final : public grpc::ServerBidiReactor<Request, Response> {
  using Base = grpc::ServerBidiReactor<Request, Response>;

 public:
  BidiStreamReactor(std::unique_ptr<ServiceCall> call, Scope scope, Handler handler, WorkQueue& pool)
      : call_(std::move(call)), pool_(pool), handler_(std::move(handler)) {
    if (grpc::Status admitted = call_->Admit(scope, ServiceCall::Slot::kStream); !admitted.ok()) {
      status_ = admitted;
      finish_requested_ = finish_issued_ = true;
      Base::Finish(admitted);
      return;
    }
    Base::StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    std::unique_lock<std::mutex> lock(mu_);
    if (!ok) {  // client half-closed, or the call was cancelled or expired
      read_done_ = true;
      if (call_->Cancelled()) cancelled_ = true;
      MaybeFinishLocked(std::move(lock));
      return;
    }
    if (grpc::Status size = call_->CheckSize(request_); !size.ok()) {
      RequestFinishLocked(size);
      IssuePendingFinish(std::move(lock));
      return;
    }
    ++steps_;
    lock.unlock();
    Request request = std::move(request_);
    if (!pool_.Submit([this, request = std::move(request)] { Process(request); })) {
      lock.lock();
      RequestFinishLocked(kShuttingDown);
      EndStep(std::move(lock));
    }
  }

  void OnWriteDone(bool ok) override {
    std::unique_lock<std::mutex> lock(mu_);
    outbox_.pop_front();
    if (!ok) {
      writing_ = false;
      RequestFinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "write failed: client gone"));
      IssuePendingFinish(std::move(lock));
      return;
    }
    if (!outbox_.empty() && !finish_requested_) {
      const Response* next = &outbox_.front();
      lock.unlock();
      Base::StartWrite(next);
      return;
    }
    writing_ = false;
    MaybeFinishLocked(std::move(lock));
  }

  void OnCancel() override {
    std::unique_lock<std::mutex> lock(mu_);
    cancelled_ = true;
    RequestFinishLocked(call_->Gone());
    IssuePendingFinish(std::move(lock));
  }

  void OnDone() override {
    call_->End(status_);
    delete this;
  }

 private:
  void Process(const Request& request) {
    std::vector<Response> out;
    grpc::Status status = call_->Abandoned() ? call_->Gone() : handler_.OnRequest(request, &out);
    std::unique_lock<std::mutex> lock(mu_);
    if (cancelled_ || finish_requested_) return EndStep(std::move(lock));
    if (!status.ok()) {
      RequestFinishLocked(status);
      return EndStep(std::move(lock));
    }
    for (auto& m : out) outbox_.push_back(std::move(m));
    const Response* first = nullptr;
    if (!writing_ && !outbox_.empty()) {
      writing_ = true;
      first = &outbox_.front();
    }
    lock.unlock();
    if (first != nullptr) Base::StartWrite(first);
    Base::StartRead(&request_);
    lock.lock();
    EndStep(std::move(lock));
  }

  // Finishes with OK once the client has half-closed and everything is sent.
  void MaybeFinishLocked(std::unique_lock<std::mutex> lock) {
    if (cancelled_) {
      RequestFinishLocked(call_->Gone());
    } else if (read_done_ && steps_ == 0 && !writing_ && outbox_.empty()) {
      RequestFinishLocked(grpc::Status::OK);
    }
    IssuePendingFinish(std::move(lock));
  }

  void RequestFinishLocked(const grpc::Status& status) {
    if (finish_requested_) return;
    finish_requested_ = true;
    status_ = status;
  }

  // Ends a processing step. The half-close or a cancellation may have
  // arrived while the step was running: re-check whether the stream is done.
  void EndStep(std::unique_lock<std::mutex> lock) {
    --steps_;
    MaybeFinishLocked(std::move(lock));
  }

  // Calls Finish (once) if it was requested and no step is in flight. Must be
  // the caller's last use of `this`.
  void IssuePendingFinish(std::unique_lock<std::mutex> lock) {
    if (!finish_requested_ || finish_issued_ || steps_ > 0) return;
    finish_issued_ = true;
    grpc::Status status = status_;
    lock.unlock();
    Base::Finish(status);
  }

  std::unique_ptr<ServiceCall> call_;
  WorkQueue& pool_;
  Handler handler_;  // touched only by Process, one at a time
  Request request_;

  std::mutex mu_;
  std::deque<Response> outbox_;  // front is in flight while writing_
  bool writing_ = false;
  int steps_ = 0;  // processing steps in flight
  bool read_done_ = false;
  bool cancelled_ = false;
  bool finish_requested_ = false;
  bool finish_issued_ = false;
  grpc::Status status_;
};

const grpc::Status kNoFeed(grpc::StatusCode::FAILED_PRECONDITION,
                           "the live feed is not enabled on this server (start it with --db)");

// A stream refused at once with `status`.
template <typename Reactor>
class Rejector final : public Reactor {
 public:
  Rejector(std::unique_ptr<ServiceCall> call, const grpc::Status& status) : call_(std::move(call)), status_(status) {
    this->Finish(status);
  }
  void OnDone() override {
    call_->End(status_);
    delete this;
  }

 private:
  std::unique_ptr<ServiceCall> call_;
  grpc::Status status_;
};

// WatchMatches: pages of events are read from the store on the pool, one
// write in flight; when caught up the reactor waits for the feed's
// notification. Memory per watcher is one page, however slow the client,
// and a slow watcher holds back nobody: each reads the store at its own
// pace.
//
// Lifetime: a fetch on the pool or a write in flight keeps the reactor
// busy; Finish is issued only when it is idle, and the feed's notification
// (which may come at any time from an ingesting thread) is unsubscribed in
// OnDone, which the feed serializes with its callbacks.
class WatchReactor final : public grpc::ServerWriteReactor<v1::WatchMatchesResponse> {
 public:
  static constexpr size_t kPage = 256;

  WatchReactor(std::unique_ptr<ServiceCall> call, v1::WatchMatchesRequest request, LiveFeed& feed, WorkQueue& pool,
               ServiceStats& stats)
      : call_(std::move(call)), request_(std::move(request)), feed_(feed), pool_(pool), stats_(stats),
        cursor_(request_.after_sequence()) {
    grpc::Status valid = call_->Admit(Scope::kRead, ServiceCall::Slot::kWatcher);
    if (valid.ok()) valid = ValidateWatch(request_);
    if (!valid.ok()) {
      status_ = valid;
      finished_ = true;
      Finish(valid);
      return;
    }
    {
      // The first fetch is scheduled before subscribing, so that a
      // notification arriving meanwhile cannot start a second one.
      std::lock_guard<std::mutex> lock(mu_);
      ScheduleFetchLocked();
    }
    subscription_ = feed_.Subscribe([this] { Wake(); });
    Wake();   // events recorded between that fetch's read and the subscription
  }

  void OnWriteDone(bool ok) override {
    std::unique_lock<std::mutex> lock(mu_);
    outbox_.pop_front();
    if (!ok) return EndLocked(std::move(lock), grpc::Status(grpc::StatusCode::CANCELLED, "write failed: client gone"));
    if (cancelled_) return EndLocked(std::move(lock), call_->Gone());
    if (!outbox_.empty()) {
      const v1::WatchMatchesResponse* next = &outbox_.front();
      lock.unlock();
      StartWrite(next);
      return;
    }
    busy_ = false;
    ScheduleFetchLocked();
  }

  void OnCancel() override {
    std::unique_lock<std::mutex> lock(mu_);
    cancelled_ = true;
    if (!busy_) EndLocked(std::move(lock), call_->Gone());
  }

  void OnDone() override {
    if (subscription_ != 0) feed_.Unsubscribe(subscription_);
    call_->End(status_);
    delete this;
  }

 private:
  // New events exist: fetch them unless a fetch or write is under way (it
  // will look again before going idle).
  void Wake() {
    std::lock_guard<std::mutex> lock(mu_);
    woken_ = true;
    if (!busy_ && !finished_ && !cancelled_) ScheduleFetchLocked();
  }

  void ScheduleFetchLocked() {
    busy_ = true;
    woken_ = false;
    if (!pool_.Submit([this] { Fetch(); })) {
      busy_ = false;
      finished_ = true;
      status_ = kShuttingDown;
      Finish(kShuttingDown);
    }
  }

  void Fetch() {
    auto page = feed_.EventsAfter(cursor_, kPage);
    std::unique_lock<std::mutex> lock(mu_);
    if (cancelled_) return EndLocked(std::move(lock), call_->Gone());
    if (!page.ok()) {
      return EndLocked(std::move(lock), grpc::Status(grpc::StatusCode::UNAVAILABLE, std::string(page.status().message())));
    }
    for (const MatchEvent& e : *page) {
      cursor_ = e.sequence;
      if (WatchFilterAccepts(request_, e)) MatchEventToProto(e, outbox_.emplace_back().mutable_event());
    }
    if (!outbox_.empty()) {
      for (size_t seen = stats_.max_watch_backlog.load(); outbox_.size() > seen &&
                                                          !stats_.max_watch_backlog.compare_exchange_weak(seen, outbox_.size());) {
      }
      const v1::WatchMatchesResponse* first = &outbox_.front();
      lock.unlock();
      StartWrite(first);
      return;
    }
    if (page->size() == kPage || woken_) {   // more to read, or news while reading
      ScheduleFetchLocked();
      return;
    }
    busy_ = false;   // caught up: wait for Wake
  }

  void EndLocked(std::unique_lock<std::mutex> lock, const grpc::Status& status) {
    busy_ = false;
    if (finished_) return;
    finished_ = true;
    status_ = status;
    lock.unlock();
    Finish(status);
  }

  std::unique_ptr<ServiceCall> call_;
  const v1::WatchMatchesRequest request_;
  LiveFeed& feed_;
  WorkQueue& pool_;
  ServiceStats& stats_;
  int64_t subscription_ = 0;

  std::mutex mu_;
  int64_t cursor_;
  std::deque<v1::WatchMatchesResponse> outbox_;   // front is in flight
  bool busy_ = false;       // a fetch or a write is under way
  bool woken_ = false;
  bool cancelled_ = false;
  bool finished_ = false;
  grpc::Status status_;
};

}  // namespace

namespace {

// Unary request and response messages on one protobuf arena per call, its
// first block inside the holder: a Normalize response is hundreds of small
// messages (tokens, spans), which would otherwise be as many mallocs and
// frees.
template <typename Request, typename Response>
class ArenaAllocator final : public grpc::MessageAllocator<Request, Response> {
  class Holder final : public grpc::MessageHolder<Request, Response> {
   public:
    Holder() : arena_(Options(block_)) {
      this->set_request(google::protobuf::Arena::CreateMessage<Request>(&arena_));
      this->set_response(google::protobuf::Arena::CreateMessage<Response>(&arena_));
    }
    void Release() override { delete this; }

   private:
    static google::protobuf::ArenaOptions Options(char* block) {
      google::protobuf::ArenaOptions o;
      o.initial_block = block;
      o.initial_block_size = sizeof block_;
      return o;
    }
    alignas(std::max_align_t) char block_[32 * 1024];
    google::protobuf::Arena arena_;
  };

 public:
  grpc::MessageHolder<Request, Response>* AllocateMessages() override { return new Holder(); }
};

ArenaAllocator<v1::NormalizeRequest, v1::NormalizeResponse> normalize_allocator;
ArenaAllocator<v1::ExtractStatementsRequest, v1::ExtractStatementsResponse> extract_allocator;

}  // namespace

QuoteMatchService::QuoteMatchService(const Engine& engine, WorkQueue& pool, LiveFeed* feed, ServiceOptions options)
    : engine_(engine), pool_(pool), feed_(feed), options_(options) {
  SetMessageAllocatorFor_Normalize(&normalize_allocator);
  SetMessageAllocatorFor_ExtractStatements(&extract_allocator);
}

std::unique_ptr<ServiceCall> QuoteMatchService::NewCall(const char* method, grpc::CallbackServerContext* context) {
  return std::make_unique<ServiceCall>(method, context, options_, stats_);
}

grpc::ServerUnaryReactor* QuoteMatchService::Normalize(grpc::CallbackServerContext* context,
                                                       const v1::NormalizeRequest* request,
                                                       v1::NormalizeResponse* response) {
  return RunUnary(NewCall("Normalize", context), pool_, context, request, response,
                  [this](const v1::NormalizeRequest& req, v1::NormalizeResponse* resp) {
                    return HandleNormalize(engine_, req, resp);
                  });
}

grpc::ServerUnaryReactor* QuoteMatchService::ExtractStatements(
    grpc::CallbackServerContext* context, const v1::ExtractStatementsRequest* request,
    v1::ExtractStatementsResponse* response) {
  return RunUnary(NewCall("ExtractStatements", context), pool_, context, request, response,
                  [this](const v1::ExtractStatementsRequest& req, v1::ExtractStatementsResponse* resp) {
                    return HandleExtractStatements(engine_, req, resp);
                  });
}

grpc::ServerWriteReactor<v1::AlignDocumentsResponse>* QuoteMatchService::AlignDocuments(
    grpc::CallbackServerContext* context, const v1::AlignDocumentsRequest* request) {
  return new AlignWriter(NewCall("AlignDocuments", context), request, engine_, pool_);
}

grpc::ServerBidiReactor<v1::MatchStreamRequest, v1::MatchStreamResponse>*
QuoteMatchService::MatchStream(grpc::CallbackServerContext* context) {
  return new BidiStreamReactor<v1::MatchStreamRequest, v1::MatchStreamResponse, MatchStreamHandler>(
      NewCall("MatchStream", context), Scope::kRead, MatchStreamHandler(engine_), pool_);
}

grpc::ServerBidiReactor<v1::IngestDocumentsRequest, v1::IngestDocumentsResponse>*
QuoteMatchService::IngestDocuments(grpc::CallbackServerContext* context) {
  using Reactor = grpc::ServerBidiReactor<v1::IngestDocumentsRequest, v1::IngestDocumentsResponse>;
  std::unique_ptr<ServiceCall> call = NewCall("IngestDocuments", context);
  if (feed_ == nullptr) return new Rejector<Reactor>(std::move(call), kNoFeed);
  Metrics* metrics = options_.metrics;
  IngestHandler handler(*feed_, [metrics](const IngestResult& r) {
    if (metrics == nullptr) return;
    metrics->DocumentIngested(r.result == PutResult::kNew        ? "new"
                              : r.result == PutResult::kReplaced ? "replaced"
                                                                 : "unchanged",
                              r.statement_count);
    for (const MatchEvent& e : r.events) {
      metrics->MatchEvent(e.type == MatchEventType::kAdded        ? "added"
                          : e.type == MatchEventType::kSuperseded ? "superseded"
                                                                  : "retracted");
    }
  });
  return new BidiStreamReactor<v1::IngestDocumentsRequest, v1::IngestDocumentsResponse, IngestHandler>(
      std::move(call), Scope::kIngest, std::move(handler), pool_);
}

grpc::ServerWriteReactor<v1::WatchMatchesResponse>* QuoteMatchService::WatchMatches(
    grpc::CallbackServerContext* context, const v1::WatchMatchesRequest* request) {
  std::unique_ptr<ServiceCall> call = NewCall("WatchMatches", context);
  if (feed_ == nullptr) {
    return new Rejector<grpc::ServerWriteReactor<v1::WatchMatchesResponse>>(std::move(call), kNoFeed);
  }
  return new WatchReactor(std::move(call), *request, *feed_, pool_, stats_);
}

}  // namespace quotematch
