// File: server/service.h
//
// QuoteMatchService: the v1 gRPC service on the callback API. Transport only:
// every request is converted and handled by server/handlers.h on the worker
// pool, never on a gRPC callback thread. Streams keep one write in flight,
// start the next from OnWriteDone, and stop on cancellation or a failed
// write. Each RPC logs one JSON line when it ends. IngestDocuments and
// WatchMatches use the live feed (feed/live_feed.h) when one is given;
// WatchMatches reads the store a page at a time, so a slow watcher costs the
// server one page of events.
//
//   Engine engine;
//   WorkQueue pool(4);
//   QuoteMatchService service(engine, pool, feed.get());   // feed may be null
//   builder.RegisterService(&service);
#pragma once

#include <atomic>

#include "feed/live_feed.h"
#include "pipeline/engine.h"
#include "quotematch/v1/quotematch.grpc.pb.h"
#include "server/work_queue.h"

namespace quotematch {

// Counters the service keeps about its streams.
struct ServiceStats {
  // The most events any WatchMatches stream held in memory at once (at most
  // one page, however slow its client).
  std::atomic<size_t> max_watch_backlog{0};
  std::atomic<size_t> open_watchers{0};
};

class QuoteMatchService final : public v1::QuoteMatchService::CallbackService {
 public:
  // `engine` and `pool` must outlive the service.
  // `feed` (the live feed; may be null: IngestDocuments and WatchMatches
  // then fail with FAILED_PRECONDITION) must outlive the service too.
  QuoteMatchService(const Engine& engine, WorkQueue& pool, LiveFeed* feed = nullptr)
      : engine_(engine), pool_(pool), feed_(feed) {}

  grpc::ServerUnaryReactor* Normalize(grpc::CallbackServerContext* context,
                                      const v1::NormalizeRequest* request,
                                      v1::NormalizeResponse* response) override;
  grpc::ServerUnaryReactor* ExtractStatements(grpc::CallbackServerContext* context,
                                              const v1::ExtractStatementsRequest* request,
                                              v1::ExtractStatementsResponse* response) override;
  grpc::ServerWriteReactor<v1::AlignDocumentsResponse>* AlignDocuments(
      grpc::CallbackServerContext* context, const v1::AlignDocumentsRequest* request) override;
  grpc::ServerBidiReactor<v1::MatchStreamRequest, v1::MatchStreamResponse>* MatchStream(
      grpc::CallbackServerContext* context) override;
  grpc::ServerBidiReactor<v1::IngestDocumentsRequest, v1::IngestDocumentsResponse>* IngestDocuments(
      grpc::CallbackServerContext* context) override;
  grpc::ServerWriteReactor<v1::WatchMatchesResponse>* WatchMatches(
      grpc::CallbackServerContext* context, const v1::WatchMatchesRequest* request) override;

  const ServiceStats& stats() const { return stats_; }

 private:
  const Engine& engine_;
  WorkQueue& pool_;
  LiveFeed* feed_;
  ServiceStats stats_;
};

}  // namespace quotematch
