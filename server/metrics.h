// File: server/metrics.h
//
// The server's Prometheus metrics (prometheus-cpp), served as text on
// http://HOST:PORT/metrics by an HTTP listener of its own (config key
// metrics_listen), apart from the gRPC port. Metrics:
//
//   quotematch_rpc_requests_total{method,code}        counter   calls ended, by status code
//   quotematch_rpc_duration_seconds{method}           histogram call duration (0.1 ms … 30 s)
//   quotematch_open_streams                           gauge     AlignDocuments/MatchStream/IngestDocuments calls open
//   quotematch_open_watchers                          gauge     WatchMatches calls open
//   quotematch_rejected_total{reason}                 counter   calls refused: unauthenticated, permission, rate, streams, watchers
//   quotematch_documents_ingested_total{outcome}      counter   new, replaced, unchanged
//   quotematch_statements_ingested_total              counter   statements of new and replaced documents
//   quotematch_matches_published_total{type}          counter   feed events: added, superseded, retracted
//   quotematch_index_statements                       gauge     statements in the live feed's index (at scrape)
//   quotematch_store_bytes                            gauge     the store's files on disk, database + WAL (at scrape)
//   quotematch_token_reloads_total{result}            counter   SIGHUP reloads of the token file: ok, error
//
//   auto metrics = std::make_unique<Metrics>();
//   metrics->ObserveRpc("Normalize", grpc::StatusCode::OK, 0.0004);
//   RETURN_IF_ERROR(metrics->Serve("127.0.0.1:9464"));
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace prometheus {
class Exposer;
}

namespace quotematch {

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Starts the HTTP listener; UNAVAILABLE if it cannot bind.
  absl::Status Serve(const std::string& listen);
  // The port the listener bound (0 before Serve).
  int port() const;

  void ObserveRpc(std::string_view method, grpc::StatusCode code, double seconds);
  void AddOpenStreams(int delta);
  void AddOpenWatchers(int delta);
  // reason: unauthenticated, permission, rate, streams, watchers.
  void Rejected(std::string_view reason);
  // outcome: new, replaced, unchanged; type: added, superseded, retracted.
  void DocumentIngested(std::string_view outcome, size_t statements);
  void MatchEvent(std::string_view type);
  void TokenReload(bool ok);

  // Called at each scrape to read the index and store sizes.
  void SetSizes(std::function<size_t()> index_statements, std::function<size_t()> store_bytes);

  // The exposition text, as /metrics serves it.
  std::string Text() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
  std::unique_ptr<prometheus::Exposer> exposer_;
};

}  // namespace quotematch
