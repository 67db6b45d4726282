// quotematch-server: the gRPC service on one port, with the standard health
// service (never behind authentication, for probes; with health_listen also
// alone on a plaintext port, for probes that cannot speak TLS), server
// reflection, optional channelz, and Prometheus metrics on a port of their
// own. The live feed's store is SQLite (db) or PostgreSQL (store).
//
//   quotematch-server --config=/etc/quotematch/server.conf --workers=4
//   quotematch-server --print-config          # the effective configuration
//
// Configuration: server/config.h (file, QM_* environment, flags); security
// and operations: docs/operations.md. SIGHUP reloads the token file.
// SIGTERM or SIGINT starts a graceful shutdown: health turns NOT_SERVING,
// new calls are refused, in-flight calls get drain_seconds to finish and
// are then cancelled (clients see CANCELLED).
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/grpcpp.h>

#include <grpcpp/ext/channelz_service_plugin.h>

#include "absl/synchronization/mutex.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "pipeline/engine.h"
#include "server/auth.h"
#include "server/config.h"
#include "server/metrics.h"
#include "server/rpc_log.h"
#include "server/service.h"
#include "server/transport.h"
#include "server/work_queue.h"
#include "store/postgres_store.h"
#include "store/sqlite_store.h"

namespace {

constexpr char kServiceName[] = "quotematch.v1.QuoteMatchService";

bool LoopbackAddress(const std::string& listen) {
  return listen.rfind("127.", 0) == 0 || listen.rfind("localhost:", 0) == 0 || listen.rfind("[::1]:", 0) == 0 ||
         listen.rfind("unix:", 0) == 0;
}

size_t FileBytes(const std::string& path) {
  std::error_code ec;
  const auto n = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<size_t>(n);
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--help" || std::string_view(argv[i]) == "-h") {
      std::printf("quotematch-server: the quotematch gRPC service.\n\n"
                  "Configuration: defaults < --config=FILE (or QM_CONFIG) < QM_* environment < flags.\n"
                  "--print-config prints the effective values and exits. Keys:\n\n%s",
                  quotematch::ConfigHelp().c_str());
      return 0;
    }
  }
  // Debian's Abseil checks every mutex acquisition for lock-order cycles
  // (gRPC locks absl::Mutex on every call); that is a debugging aid.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  quotematch::InitJsonLogging();
  bool print_config = false;
  absl::StatusOr<quotematch::ServerConfig> loaded = quotematch::LoadServerConfig(argc, argv, environ, &print_config);
  if (!loaded.ok()) {
    std::fprintf(stderr, "quotematch-server: invalid configuration: %s\n", std::string(loaded.status().message()).c_str());
    return 2;
  }
  const quotematch::ServerConfig& config = *loaded;
  if (print_config) {
    std::fputs(quotematch::PrintConfig(config).c_str(), stdout);
    return 0;
  }
  auto credentials = quotematch::ServerCredentialsFor(config);
  if (!credentials.ok()) {
    std::fprintf(stderr, "quotematch-server: invalid configuration: %s\n",
                 std::string(credentials.status().message()).c_str());
    return 2;
  }
  std::unique_ptr<quotematch::TokenStore> tokens;
  if (!config.auth_tokens.empty()) {
    auto t = quotematch::TokenStore::Load(config.auth_tokens);
    if (!t.ok()) {
      std::fprintf(stderr, "quotematch-server: invalid configuration: %s\n", std::string(t.status().message()).c_str());
      return 2;
    }
    tokens = *std::move(t);
  } else if (!LoopbackAddress(config.listen)) {
    quotematch::LogEvent("warn", "no_authentication",
                         quotematch::StrCat("listening on ", config.listen, " without auth_tokens: anyone who reaches ",
                                            "the port may call every method"));
  }
  if (config.tls_cert.empty() && !LoopbackAddress(config.listen)) {
    quotematch::LogEvent("warn", "plaintext", quotematch::StrCat("listening on ", config.listen, " without TLS"));
  }

  // Block the shutdown signals in every thread; main waits for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  quotematch::EngineOptions options;
  options.max_document_bytes = static_cast<size_t>(config.max_document_bytes);
  options.max_statements_per_document = static_cast<size_t>(config.max_statements_per_document);
  options.default_min_score = config.min_score;
  quotematch::Engine engine(options);
  int workers = config.workers;
  if (workers == 0) workers = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  quotematch::WorkQueue pool(static_cast<size_t>(workers));
  std::unique_ptr<quotematch::LiveFeed> feed;
  // The feed's store: PostgreSQL when `store` is set, else the SQLite file `db`.
  const std::string store_name = config.store.empty() ? config.db : quotematch::RedactPostgresUrl(config.store);
  if (!store_name.empty()) {
    auto store = config.store.empty() ? quotematch::OpenSqliteStore(config.db)
                                      : quotematch::OpenPostgresStore(config.store);
    if (!store.ok()) {
      quotematch::LogEvent("error", "store_failed", std::string(store.status().message()));
      return 1;
    }
    quotematch::LiveFeedOptions feed_options;
    feed_options.window_seconds = int64_t{config.feed_window_days} * 24 * 3600;
    feed_options.min_score = config.feed_min_score;
    auto opened = quotematch::LiveFeed::Open(engine, *std::move(store), feed_options);
    if (!opened.ok()) {
      quotematch::LogEvent("error", "feed_failed", std::string(opened.status().message()));
      return 1;
    }
    feed = *std::move(opened);
    const quotematch::RebuildStats& r = feed->rebuild_stats();
    quotematch::LogEvent("info", "feed_ready",
                         quotematch::StrCat(store_name, ": ", r.documents, " documents, ", r.statements,
                                            " statements indexed in ", r.seconds, " s; ", r.rematched,
                                            " rematched; last event ", feed->last_sequence()));
  }
  quotematch::Metrics metrics;
  metrics.SetSizes([&feed] { return feed ? feed->statement_count() : size_t{0}; },
                   [&config] { return config.db.empty() || !config.store.empty() ? 0 : FileBytes(config.db) + FileBytes(config.db + "-wal"); });
  if (!config.metrics_listen.empty()) {
    if (absl::Status st = metrics.Serve(config.metrics_listen); !st.ok()) {
      quotematch::LogEvent("error", "start_failed", std::string(st.message()));
      return 1;
    }
    quotematch::LogEvent("info", "metrics", quotematch::StrCat("Prometheus metrics on port ", metrics.port()));
  }
  std::unique_ptr<quotematch::RateLimiter> rate_limiter;
  if (config.rate_limit_rps > 0) {
    rate_limiter = std::make_unique<quotematch::RateLimiter>(config.rate_limit_rps, config.rate_limit_burst);
  }
  quotematch::ServiceOptions service_options;
  service_options.tokens = tokens.get();
  service_options.rate_limiter = rate_limiter.get();
  service_options.metrics = &metrics;
  service_options.max_streams = static_cast<size_t>(config.max_streams);
  service_options.max_watchers = static_cast<size_t>(config.max_watchers);
  service_options.max_message_bytes = static_cast<size_t>(config.max_message_bytes);
  service_options.inline_request_bytes = static_cast<size_t>(config.inline_request_bytes);
  quotematch::QuoteMatchService service(engine, pool, feed.get(), service_options);

  if (config.channelz) grpc::channelz::experimental::InitChannelzService();
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config.listen, *credentials, &port);
  quotematch::ApplyTransportOptions(config, &builder);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    quotematch::LogEvent("error", "start_failed", quotematch::StrCat("cannot listen on ", config.listen));
    return 1;
  }
  // Health alone on a plaintext port, for probes that cannot speak TLS
  // (Kubernetes' gRPC probes). It reports what the main port reports.
  std::unique_ptr<grpc::Server> health_server;
  int health_port = 0;
  if (!config.health_listen.empty()) {
    grpc::ServerBuilder health_builder;
    health_builder.AddListeningPort(config.health_listen, grpc::InsecureServerCredentials(), &health_port);
    health_server = health_builder.BuildAndStart();
    if (health_server == nullptr || health_port == 0) {
      quotematch::LogEvent("error", "start_failed", quotematch::StrCat("cannot listen on ", config.health_listen));
      return 1;
    }
    quotematch::LogEvent("info", "health", quotematch::StrCat("plaintext health on port ", health_port));
  }
  auto set_serving = [&](bool serving) {
    for (grpc::Server* s : {server.get(), health_server.get()}) {
      if (s == nullptr) continue;
      s->GetHealthCheckService()->SetServingStatus(kServiceName, serving);
      s->GetHealthCheckService()->SetServingStatus(serving);
    }
  };
  set_serving(true);
  const std::string& listen = config.listen;
  const std::string bound = quotematch::StrCat(listen.substr(0, listen.rfind(':')), ":", port);
  quotematch::LogEvent("info", "serving",
                       quotematch::StrCat("listening on ", bound, " with ", workers, " workers; ",
                                          config.tls_cert.empty() ? "plaintext" : config.tls_client_ca.empty() ? "TLS" : "mutual TLS",
                                          "; ", tokens ? quotematch::StrCat(tokens->size(), " tokens") : "no authentication"));
  if (const std::string& path = config.port_file; !path.empty()) {
    // The port, and on a second line the health port if there is one.
    std::ofstream(path + ".tmp") << port << "\n" << (health_port != 0 ? quotematch::StrCat(health_port, "\n") : "");
    std::rename((path + ".tmp").c_str(), path.c_str());
  }

  int signal_number = 0;
  for (;;) {
    sigwait(&signals, &signal_number);
    if (signal_number != SIGHUP) break;
    // SIGHUP: reload the token file; a bad file keeps the tokens in force.
    if (tokens == nullptr) {
      quotematch::LogEvent("info", "reload", "SIGHUP: no auth_tokens file configured");
      continue;
    }
    const absl::Status st = tokens->Reload();
    metrics.TokenReload(st.ok());
    if (st.ok()) {
      quotematch::LogEvent("info", "reload", quotematch::StrCat("auth_tokens: ", tokens->size(), " tokens"));
    } else {
      quotematch::LogEvent("error", "reload_failed",
                           quotematch::StrCat(st.message(), "; the previous tokens stay in force"));
    }
  }
  quotematch::LogEvent("info", "shutdown", quotematch::StrCat("signal ", signal_number, "; draining"));
  set_serving(false);
  server->Shutdown(std::chrono::system_clock::now() +
                   std::chrono::seconds(config.drain_seconds));
  server->Wait();
  if (health_server != nullptr) health_server->Shutdown(std::chrono::system_clock::now());
  pool.Shutdown();
  quotematch::LogEvent("info", "stopped", "");
  return 0;
}
