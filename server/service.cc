#include "server/service.h"

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>

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
// stream); responses queue up with one write in flight. Decisions are taken
// under the mutex, gRPC operations are started after releasing it, and
// nothing touches `this` after the last operation of a step is started.
class MatchStreamReactor final
    : public grpc::ServerBidiReactor<v1::MatchStreamRequest, v1::MatchStreamResponse> {
 public:
  MatchStreamReactor(grpc::CallbackServerContext* context, const Engine& engine, WorkQueue& pool)
      : context_(context), pool_(pool), handler_(engine), start_(Clock::now()) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // client half-closed (or the call broke)
      std::unique_lock<std::mutex> lock(mu_);
      read_done_ = true;
      MaybeFinishLocked(std::move(lock));
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      processing_ = true;
    }
    v1::MatchStreamRequest request = std::move(request_);
    if (!pool_.Submit([this, request = std::move(request)] { Process(request); })) {
      std::unique_lock<std::mutex> lock(mu_);
      processing_ = false;
      FinishLocked(std::move(lock), kShuttingDown);
    }
  }

  void OnWriteDone(bool ok) override {
    std::unique_lock<std::mutex> lock(mu_);
    outbox_.pop_front();
    if (!ok) {
      writing_ = false;
      return FinishLocked(std::move(lock), grpc::Status(grpc::StatusCode::CANCELLED,
                                                        "write failed: client gone"));
    }
    if (!outbox_.empty() && !finished_) {
      const v1::MatchStreamResponse* next = &outbox_.front();
      lock.unlock();
      StartWrite(next);
      return;
    }
    writing_ = false;
    MaybeFinishLocked(std::move(lock));
  }

  void OnCancel() override {
    std::unique_lock<std::mutex> lock(mu_);
    cancelled_ = true;
    if (!processing_) FinishLocked(std::move(lock), kCancelled);
  }

  void OnDone() override {
    LogRpc("MatchStream", status_, MillisSince(start_), context_->peer());
    delete this;
  }

 private:
  void Process(const v1::MatchStreamRequest& request) {
    std::vector<v1::MatchStreamResponse> out;
    grpc::Status status = handler_.OnRequest(request, &out);
    std::unique_lock<std::mutex> lock(mu_);
    processing_ = false;
    if (cancelled_) return FinishLocked(std::move(lock), kCancelled);
    if (!status.ok()) return FinishLocked(std::move(lock), status);
    for (auto& m : out) outbox_.push_back(std::move(m));
    const v1::MatchStreamResponse* first = nullptr;
    if (!writing_ && !outbox_.empty()) {
      writing_ = true;
      first = &outbox_.front();
    }
    lock.unlock();
    if (first != nullptr) StartWrite(first);
    StartRead(&request_);  // last: the reactor may finish after this
  }

  // Finishes with OK once the client has half-closed and everything is sent.
  void MaybeFinishLocked(std::unique_lock<std::mutex> lock) {
    if (cancelled_) return FinishLocked(std::move(lock), kCancelled);
    if (read_done_ && !processing_ && !writing_ && outbox_.empty()) {
      FinishLocked(std::move(lock), grpc::Status::OK);
    }
  }

  void FinishLocked(std::unique_lock<std::mutex> lock, const grpc::Status& status) {
    if (finished_) return;
    finished_ = true;
    status_ = status;
    lock.unlock();
    Finish(status);
  }

  grpc::CallbackServerContext* context_;
  WorkQueue& pool_;
  MatchStreamHandler handler_;  // touched only by Process, one at a time
  const Clock::time_point start_;
  v1::MatchStreamRequest request_;

  std::mutex mu_;
  std::deque<v1::MatchStreamResponse> outbox_;  // front is in flight while writing_
  bool writing_ = false;
  bool processing_ = false;
  bool read_done_ = false;
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
  return new MatchStreamReactor(context, engine_, pool_);
}

}  // namespace quotematch
