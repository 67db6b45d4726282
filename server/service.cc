#include "server/service.h"

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>

#include "server/convert.h"
#include "server/handlers.h"
#include "server/rpc_log.h"

namespace quotematch {
namespace {

using Clock = std::chrono::steady_clock;

double MillisSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

const grpc::Status kShuttingDown(grpc::StatusCode::UNAVAILABLE, "server is shutting down");
const grpc::Status kCancelled(grpc::StatusCode::CANCELLED, "call cancelled by the client");

template <typename Request, typename Response, typename Handler>
grpc::ServerUnaryReactor* RunUnary(const char* method, WorkQueue& pool,
                                   grpc::CallbackServerContext* context, const Request* request,
                                   Response* response, Handler handler) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const Clock::time_point start = Clock::now();
  bool queued = pool.Submit([=] {
    grpc::Status status = context->IsCancelled() ? kCancelled : handler(*request, response);
    LogRpc(method, status, MillisSince(start), context->peer());
    reactor->Finish(status);
  });
  if (!queued) {
    LogRpc(method, kShuttingDown, MillisSince(start), context->peer());
    reactor->Finish(kShuttingDown);
  }
  return reactor;
}

// AlignDocuments: compute on the pool, then write the messages one at a
// time. The chain compute → write → OnWriteDone → write … → Finish is
// sequential; OnCancel only raises a flag that the chain checks.
class AlignWriter final : public grpc::ServerWriteReactor<v1::AlignDocumentsResponse> {
 public:
  AlignWriter(grpc::CallbackServerContext* context, const v1::AlignDocumentsRequest* request,
              const Engine& engine, WorkQueue& pool)
      : context_(context), request_(request), engine_(engine), start_(Clock::now()) {
    if (!pool.Submit([this] { Compute(); })) End(kShuttingDown);
  }

  void OnWriteDone(bool ok) override {
    if (!ok) return End(grpc::Status(grpc::StatusCode::CANCELLED, "write failed: client gone"));
    if (cancelled_.load()) return End(kCancelled);
    WriteNext();
  }
  void OnCancel() override { cancelled_.store(true); }
  void OnDone() override {
    LogRpc("AlignDocuments", status_, MillisSince(start_), context_->peer());
    delete this;
  }

 private:
  void Compute() {
    if (cancelled_.load()) return End(kCancelled);
    grpc::Status status = HandleAlignDocuments(engine_, *request_, &responses_);
    if (!status.ok()) return End(status);
    if (cancelled_.load()) return End(kCancelled);
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

  grpc::CallbackServerContext* context_;
  const v1::AlignDocumentsRequest* request_;
  const Engine& engine_;
  const Clock::time_point start_;
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
  template <typename Arg>
  BidiStreamReactor(const char* method, grpc::CallbackServerContext* context, Arg& handler_arg, WorkQueue& pool)
      : method_(method), context_(context), pool_(pool), handler_(handler_arg), start_(Clock::now()) {
    Base::StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    std::unique_lock<std::mutex> lock(mu_);
    if (!ok) {  // client half-closed (or the call broke)
      read_done_ = true;
      MaybeFinishLocked(std::move(lock));
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
    RequestFinishLocked(kCancelled);
    IssuePendingFinish(std::move(lock));
  }

  void OnDone() override {
    LogRpc(method_, status_, MillisSince(start_), context_->peer());
    delete this;
  }

 private:
  void Process(const Request& request) {
    std::vector<Response> out;
    grpc::Status status = handler_.OnRequest(request, &out);
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
      RequestFinishLocked(kCancelled);
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

  const char* method_;
  grpc::CallbackServerContext* context_;
  WorkQueue& pool_;
  Handler handler_;  // touched only by Process, one at a time
  const Clock::time_point start_;
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
  Rejector(const char* method, grpc::CallbackServerContext* context, const grpc::Status& status)
      : method_(method), context_(context), status_(status), start_(Clock::now()) {
    this->Finish(status);
  }
  void OnDone() override {
    LogRpc(method_, status_, MillisSince(start_), context_->peer());
    delete this;
  }

 private:
  const char* method_;
  grpc::CallbackServerContext* context_;
  grpc::Status status_;
  Clock::time_point start_;
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

  WatchReactor(grpc::CallbackServerContext* context, v1::WatchMatchesRequest request, LiveFeed& feed, WorkQueue& pool,
               ServiceStats& stats)
      : context_(context), request_(std::move(request)), feed_(feed), pool_(pool), stats_(stats), start_(Clock::now()),
        cursor_(request_.after_sequence()) {
    ++stats_.open_watchers;
    grpc::Status valid = ValidateWatch(request_);
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
    if (cancelled_) return EndLocked(std::move(lock), kCancelled);
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
    if (!busy_) EndLocked(std::move(lock), kCancelled);
  }

  void OnDone() override {
    if (subscription_ != 0) feed_.Unsubscribe(subscription_);
    --stats_.open_watchers;
    LogRpc("WatchMatches", status_, MillisSince(start_), context_->peer());
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
    if (cancelled_) return EndLocked(std::move(lock), kCancelled);
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

  grpc::CallbackServerContext* context_;
  const v1::WatchMatchesRequest request_;
  LiveFeed& feed_;
  WorkQueue& pool_;
  ServiceStats& stats_;
  const Clock::time_point start_;
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

grpc::ServerUnaryReactor* QuoteMatchService::Normalize(grpc::CallbackServerContext* context,
                                                       const v1::NormalizeRequest* request,
                                                       v1::NormalizeResponse* response) {
  return RunUnary("Normalize", pool_, context, request, response,
                  [this](const v1::NormalizeRequest& req, v1::NormalizeResponse* resp) {
                    return HandleNormalize(engine_, req, resp);
                  });
}

grpc::ServerUnaryReactor* QuoteMatchService::ExtractStatements(
    grpc::CallbackServerContext* context, const v1::ExtractStatementsRequest* request,
    v1::ExtractStatementsResponse* response) {
  return RunUnary("ExtractStatements", pool_, context, request, response,
                  [this](const v1::ExtractStatementsRequest& req, v1::ExtractStatementsResponse* resp) {
                    return HandleExtractStatements(engine_, req, resp);
                  });
}

grpc::ServerWriteReactor<v1::AlignDocumentsResponse>* QuoteMatchService::AlignDocuments(
    grpc::CallbackServerContext* context, const v1::AlignDocumentsRequest* request) {
  return new AlignWriter(context, request, engine_, pool_);
}

grpc::ServerBidiReactor<v1::MatchStreamRequest, v1::MatchStreamResponse>*
QuoteMatchService::MatchStream(grpc::CallbackServerContext* context) {
  return new BidiStreamReactor<v1::MatchStreamRequest, v1::MatchStreamResponse, MatchStreamHandler>(
      "MatchStream", context, engine_, pool_);
}

grpc::ServerBidiReactor<v1::IngestDocumentsRequest, v1::IngestDocumentsResponse>*
QuoteMatchService::IngestDocuments(grpc::CallbackServerContext* context) {
  if (feed_ == nullptr) {
    auto* r = new Rejector<grpc::ServerBidiReactor<v1::IngestDocumentsRequest, v1::IngestDocumentsResponse>>(
        "IngestDocuments", context, kNoFeed);
    return r;
  }
  return new BidiStreamReactor<v1::IngestDocumentsRequest, v1::IngestDocumentsResponse, IngestHandler>(
      "IngestDocuments", context, *feed_, pool_);
}

grpc::ServerWriteReactor<v1::WatchMatchesResponse>* QuoteMatchService::WatchMatches(
    grpc::CallbackServerContext* context, const v1::WatchMatchesRequest* request) {
  if (feed_ == nullptr) {
    return new Rejector<grpc::ServerWriteReactor<v1::WatchMatchesResponse>>("WatchMatches", context, kNoFeed);
  }
  return new WatchReactor(context, *request, *feed_, pool_, stats_);
}

}  // namespace quotematch
