// File: server/handlers.h
//
// The v1 request handlers as plain functions over an Engine: message in,
// message(s) and grpc::Status out. The gRPC service calls them on its worker
// threads; the CLI calls the very same functions in-process, so its output
// is identical with and without --server.
//
//   v1::NormalizeResponse resp;
//   grpc::Status st = HandleNormalize(engine, req, &resp);
#pragma once

#include <functional>
#include <vector>

#include <grpcpp/support/status.h>

#include "feed/live_feed.h"
#include "pipeline/engine.h"
#include "quotematch/v1/quotematch.pb.h"

namespace quotematch {

grpc::Status HandleNormalize(const Engine& engine, const v1::NormalizeRequest& request,
                             v1::NormalizeResponse* response);

grpc::Status HandleExtractStatements(const Engine& engine,
                                     const v1::ExtractStatementsRequest& request,
                                     v1::ExtractStatementsResponse* response);

// All messages of the AlignDocuments stream (pairs, then the summary).
grpc::Status HandleAlignDocuments(const Engine& engine, const v1::AlignDocumentsRequest& request,
                                  std::vector<v1::AlignDocumentsResponse>* responses);

// One MatchStream session. Not thread-safe: the service feeds it one
// request at a time.
class MatchStreamHandler {
 public:
  explicit MatchStreamHandler(const Engine& engine) : engine_(engine) {}

  // Handles one client message, appending the server's messages. A bad
  // document yields a DocumentRejected message and OK; a non-OK status
  // (invalid min_score on the first message) ends the stream.
  grpc::Status OnRequest(const v1::MatchStreamRequest& request,
                         std::vector<v1::MatchStreamResponse>* responses);

 private:
  const Engine& engine_;
  std::unique_ptr<MatchSession> session_;
};

// One IngestDocuments stream: each document stored (and matched) in the
// feed, or rejected naming the bad field; the stream goes on either way. A
// store failure (UNAVAILABLE, INTERNAL) ends the stream.
class IngestHandler {
 public:
  // `on_stored` (optional) sees each stored document's result, e.g. for metrics.
  explicit IngestHandler(LiveFeed& feed, std::function<void(const IngestResult&)> on_stored = {})
      : feed_(feed), on_stored_(std::move(on_stored)) {}

  grpc::Status OnRequest(const v1::IngestDocumentsRequest& request,
                         std::vector<v1::IngestDocumentsResponse>* responses);

 private:
  LiveFeed& feed_;
  std::function<void(const IngestResult&)> on_stored_;
};

// Whether `event` passes a WatchMatches request's filters.
bool WatchFilterAccepts(const v1::WatchMatchesRequest& request, const MatchEvent& event);

// Validates a WatchMatches request: INVALID_ARGUMENT naming the field.
grpc::Status ValidateWatch(const v1::WatchMatchesRequest& request);

}  // namespace quotematch
