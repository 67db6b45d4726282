// File: server/rpc_log.h
//
// One JSON line per RPC on stderr (spdlog), e.g.
//   {"ts":"2026-11-27T23:59:01.123Z","level":"info","method":"Normalize",
//    "code":"OK","duration_ms":0.412,"peer":"ipv4:127.0.0.1:53422",
//    "request_id":"c0ffee","caller":"dashboard","message":""}
// and plain JSON lines for server events (start, shutdown).
#pragma once

#include <string>
#include <string_view>

#include <grpcpp/support/status.h>

#include "base/strings.h"   // JsonQuote

namespace quotematch {

// Installs the JSON logger (idempotent): RPC lines are buffered and flushed
// every second, server events at once.
void InitJsonLogging();

// `request_id` is the client's x-request-id (or one the server made up);
// `caller` the token's name ("" without authentication).
void LogRpc(std::string_view method, const grpc::Status& status, double duration_ms,
            std::string_view peer, std::string_view request_id = "", std::string_view caller = "");
void LogEvent(std::string_view level, std::string_view event, std::string_view detail);

// "OK", "INVALID_ARGUMENT", ...
std::string_view StatusCodeName(grpc::StatusCode code);

}  // namespace quotematch
