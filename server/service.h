// File: server/service.h
//
// QuoteMatchService: the v1 gRPC service on the callback API. Transport only:
// every request is converted and handled by server/handlers.h on the worker
// pool, never on a gRPC callback thread. Streams keep one write in flight,
// start the next from OnWriteDone, and stop on cancellation or a failed
// write. Every call is admitted first (bearer token and scope, rate limit,
// open-stream limits: ServiceOptions), carries an x-request-id (the
// client's, or one made up and returned in the initial metadata), and logs
// one JSON line and its metrics when it ends. Work whose call was cancelled
// or whose deadline passed before a worker took it up is skipped. IngestDocuments and
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
#include "server/auth.h"
#include "server/metrics.h"
#include "server/work_queue.h"

namespace quotematch {

class ServiceCall;   // one call's admission and bookkeeping (service.cc)

// Admission and observability settings; every default documented.
struct ServiceOptions {
  // Bearer tokens required on every call (health is a separate service and
  // stays open for probes); null: no authentication.
  const TokenStore* tokens = nullptr;
  // Calls per second per caller (token name, or peer address without
  // tokens); null: no rate limit.
  RateLimiter* rate_limiter = nullptr;
  // Request counts, latencies, open streams…; null: none kept.
  Metrics* metrics = nullptr;
  // AlignDocuments, MatchStream and IngestDocuments calls open at once.
  size_t max_streams = 256;
  // WatchMatches calls open at once.
  size_t max_watchers = 1024;
  // Largest request message, in bytes (0 = unchecked; gRPC's own limit,
  // set above this one, still applies).
  size_t max_message_bytes = 0;
  // Unary calls and AlignDocuments whose request is at most this many bytes
  // run on the gRPC thread that received them, sparing two thread switches
  // (most of a small call's cost); larger ones go to the worker pool. 0 =
  // always the pool.
  size_t inline_request_bytes = 8 * 1024;
};

// Counters the service keeps about its streams.
struct ServiceStats {
  // The most events any WatchMatches stream held in memory at once (at most
  // one page, however slow its client).
  std::atomic<size_t> max_watch_backlog{0};
  std::atomic<size_t> open_watchers{0};
  std::atomic<size_t> open_streams{0};
  // Calls whose work was skipped because the client had cancelled or the
  // deadline had passed by the time a worker took them up.
  std::atomic<size_t> abandoned{0};
};

class QuoteMatchService final : public v1::QuoteMatchService::CallbackService {
 public:
  // `engine` and `pool` must outlive the service.
  // `feed` (the live feed; may be null: IngestDocuments and WatchMatches
  // then fail with FAILED_PRECONDITION) must outlive the service too.
  QuoteMatchService(const Engine& engine, WorkQueue& pool, LiveFeed* feed = nullptr, ServiceOptions options = {});

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
  std::unique_ptr<ServiceCall> NewCall(const char* method, grpc::CallbackServerContext* context);

  const Engine& engine_;
  WorkQueue& pool_;
  LiveFeed* feed_;
  const ServiceOptions options_;
  ServiceStats stats_;
};

}  // namespace quotematch
