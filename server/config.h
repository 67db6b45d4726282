// File: server/config.h
//
// The server's configuration: one struct, filled from defaults, then a
// config file, then environment variables, then command-line flags (each
// later source overrides the earlier ones), and validated before the server
// starts. Every key has the same name in all three sources:
//
//   file   workers = 4          (one `key = value` per line; `#` starts a
//                                comment; blank lines ignored; values may be
//                                "double-quoted")
//   env    QM_WORKERS=4         (QM_ + the key in upper case)
//   flag   --workers=4  or  --workers 4   (booleans: --channelz, --channelz=false)
//
// The file is named by --config=FILE (or QM_CONFIG). An unknown key, a
// malformed value or a value out of range fails with the key, its source
// and (for the file) the line: "config.conf:3: workers: must be >= 0".
// PrintConfig() shows every key's effective value and where it came from
// (`quotematch-server --print-config`). The keys, their defaults and
// meaning are the table in config.cc, and docs/operations.md.
//
//   absl::StatusOr<ServerConfig> config = LoadServerConfig(argc, argv, environ);
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace quotematch {

struct ServerConfig {
  // --- serving ---
  std::string listen = "127.0.0.1:50051";   // HOST:PORT; port 0 picks a free port
  std::string port_file;                     // write the bound port here once serving
  int workers = 0;                           // CPU worker threads (0 = number of cores)
  int inline_request_bytes = 8 * 1024;       // smaller unary/AlignDocuments requests run on the gRPC thread
  int drain_seconds = 10;                    // grace for in-flight calls on SIGTERM
  double min_score = 0.5;                    // pair threshold when a request asks for 0
  // --- live feed ---
  std::string db = "quotematch.db";          // SQLite file; empty disables the feed RPCs
  std::string store;                         // postgres://… URL shared by replicas; replaces db
  int feed_window_days = 7;
  double feed_min_score = 0.5;
  // --- limits ---
  int max_message_bytes = 16 << 20;          // largest gRPC message received or sent
  int max_document_bytes = 1 << 20;          // largest document or Normalize text
  int max_statements_per_document = 1000;
  int max_concurrent_streams = 100;          // HTTP/2 streams per connection
  int max_streams = 256;                     // concurrent AlignDocuments/MatchStream/IngestDocuments calls
  int max_watchers = 1024;                   // concurrent WatchMatches calls
  double rate_limit_rps = 0;                 // requests per second per token (or per peer); 0 = off
  int rate_limit_burst = 0;                  // bucket size; 0 = max(1, rate_limit_rps)
  // --- security ---
  std::string tls_cert;                      // PEM server certificate chain; empty = plaintext
  std::string tls_key;                       // PEM private key of tls_cert
  std::string tls_client_ca;                 // PEM CA: require and verify client certificates (mTLS)
  std::string auth_tokens;                   // token file (see server/auth.h); empty = no authentication
  // --- connections ---
  int keepalive_time_seconds = 60;           // server pings an idle connection this often
  int keepalive_timeout_seconds = 20;        // and closes it if the ping is not answered
  int min_client_ping_interval_seconds = 10; // clients pinging more often get GOAWAY
  int max_connection_idle_seconds = 0;       // close idle connections after this (0 = never)
  int max_connection_age_seconds = 1800;     // GOAWAY after this, so load balancers rebalance
  int max_connection_age_grace_seconds = 60; // then this long for calls in flight
  // --- observability ---
  std::string metrics_listen;                // HOST:PORT for Prometheus /metrics; empty = off
  std::string health_listen;                 // HOST:PORT for plaintext health only (probes); empty = off
  bool channelz = false;                     // register the channelz service
  std::string config;                        // the config file read, if any

  // Where each key's value came from: "default", "FILE:LINE", "env QM_X", "flag".
  std::map<std::string, std::string> sources;
};

// Defaults, then the file named by --config / QM_CONFIG, then `env`
// (a null-terminated array of "NAME=value", like environ), then argv.
// Also sets *print_config when --print-config is given. Errors name the
// offending key; nothing is partially applied on error.
absl::StatusOr<ServerConfig> LoadServerConfig(int argc, const char* const* argv, const char* const* env,
                                              bool* print_config = nullptr);

// Every key as `key = value  # source`, in the table's order: a valid
// config file.
std::string PrintConfig(const ServerConfig& config);

// One line per key with its default and meaning, for --help.
std::string ConfigHelp();

}  // namespace quotematch
