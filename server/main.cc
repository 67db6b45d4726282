// quotematch-server: the gRPC service on one port, with the standard health
// service and server reflection.
//
//   quotematch-server --listen=127.0.0.1:50051 --workers=4
//
// SIGTERM or SIGINT starts a graceful shutdown: health turns NOT_SERVING,
// new calls are refused, in-flight calls get --drain_seconds to finish and
// are then cancelled (clients see CANCELLED).
#include <csignal>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/grpcpp.h>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "base/strings.h"
#include "pipeline/engine.h"
#include "server/rpc_log.h"
#include "server/service.h"
#include "server/work_queue.h"
#include "store/sqlite_store.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "Address to listen on, HOST:PORT; port 0 picks a free port");
ABSL_FLAG(std::string, port_file, "", "If set, write the bound port to this file once serving");
ABSL_FLAG(int, workers, 0, "Worker threads for CPU work (0 = number of cores)");
ABSL_FLAG(int, max_message_bytes, 16 << 20, "Largest gRPC message accepted or sent, in bytes");
ABSL_FLAG(int, max_document_bytes, 1 << 20, "Largest document or text accepted, in bytes");
ABSL_FLAG(double, min_score, 0.5, "Default pair threshold when a request asks for 0");
ABSL_FLAG(int, drain_seconds, 10, "Grace period for in-flight calls on shutdown");
ABSL_FLAG(std::string, db, "quotematch.db",
          "The live feed's SQLite database (created if missing); empty disables IngestDocuments and WatchMatches");
ABSL_FLAG(int, feed_window_days, 7, "Live matching pairs documents published at most this many days apart");
ABSL_FLAG(double, feed_min_score, 0.5, "Live matching publishes pairs scoring at least this");

namespace {

constexpr char kServiceName[] = "quotematch.v1.QuoteMatchService";

bool ValidFlags(std::string* error) {
  if (absl::GetFlag(FLAGS_workers) < 0) *error = "--workers must be >= 0";
  else if (absl::GetFlag(FLAGS_max_message_bytes) < 1024) *error = "--max_message_bytes must be >= 1024";
  else if (absl::GetFlag(FLAGS_max_document_bytes) < 1) *error = "--max_document_bytes must be >= 1";
  else if (!(absl::GetFlag(FLAGS_min_score) > 0 && absl::GetFlag(FLAGS_min_score) <= 1))
    *error = "--min_score must be in (0, 1]";
  else if (absl::GetFlag(FLAGS_drain_seconds) < 0) *error = "--drain_seconds must be >= 0";
  else if (absl::GetFlag(FLAGS_feed_window_days) < 0) *error = "--feed_window_days must be >= 0";
  else if (!(absl::GetFlag(FLAGS_feed_min_score) > 0 && absl::GetFlag(FLAGS_feed_min_score) <= 1))
    *error = "--feed_min_score must be in (0, 1]";
  return error->empty();
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("quotematch gRPC server. Flags: --listen, --workers, ...");
  absl::ParseCommandLine(argc, argv);
  quotematch::InitJsonLogging();
  std::string error;
  if (!ValidFlags(&error)) {
    std::fprintf(stderr, "quotematch-server: %s\n", error.c_str());
    return 2;
  }

  // Block the shutdown signals in every thread; main waits for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  quotematch::EngineOptions options;
  options.max_document_bytes = static_cast<size_t>(absl::GetFlag(FLAGS_max_document_bytes));
  options.default_min_score = absl::GetFlag(FLAGS_min_score);
  quotematch::Engine engine(options);
  int workers = absl::GetFlag(FLAGS_workers);
  if (workers == 0) workers = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  quotematch::WorkQueue pool(static_cast<size_t>(workers));
  std::unique_ptr<quotematch::LiveFeed> feed;
  if (const std::string db = absl::GetFlag(FLAGS_db); !db.empty()) {
    auto store = quotematch::OpenSqliteStore(db);
    if (!store.ok()) {
      quotematch::LogEvent("error", "store_failed", std::string(store.status().message()));
      return 1;
    }
    quotematch::LiveFeedOptions feed_options;
    feed_options.window_seconds = int64_t{absl::GetFlag(FLAGS_feed_window_days)} * 24 * 3600;
    feed_options.min_score = absl::GetFlag(FLAGS_feed_min_score);
    auto opened = quotematch::LiveFeed::Open(engine, *std::move(store), feed_options);
    if (!opened.ok()) {
      quotematch::LogEvent("error", "feed_failed", std::string(opened.status().message()));
      return 1;
    }
    feed = *std::move(opened);
    const quotematch::RebuildStats& r = feed->rebuild_stats();
    quotematch::LogEvent("info", "feed_ready",
                         quotematch::StrCat(db, ": ", r.documents, " documents, ", r.statements,
                                            " statements indexed in ", r.seconds, " s; ", r.rematched,
                                            " rematched; last event ", feed->last_sequence()));
  }
  quotematch::QuoteMatchService service(engine, pool, feed.get());

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(absl::GetFlag(FLAGS_listen), grpc::InsecureServerCredentials(), &port);
  builder.SetMaxReceiveMessageSize(absl::GetFlag(FLAGS_max_message_bytes));
  builder.SetMaxSendMessageSize(absl::GetFlag(FLAGS_max_message_bytes));
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    quotematch::LogEvent("error", "start_failed",
                         quotematch::StrCat("cannot listen on ", absl::GetFlag(FLAGS_listen)));
    return 1;
  }
  grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
  health->SetServingStatus(kServiceName, true);
  health->SetServingStatus(true);
  const std::string listen = absl::GetFlag(FLAGS_listen);
  const std::string bound = quotematch::StrCat(listen.substr(0, listen.rfind(':')), ":", port);
  quotematch::LogEvent("info", "serving", quotematch::StrCat("listening on ", bound, " with ",
                                                             workers, " workers"));
  if (const std::string path = absl::GetFlag(FLAGS_port_file); !path.empty()) {
    std::ofstream(path + ".tmp") << port << "\n";
    std::rename((path + ".tmp").c_str(), path.c_str());
  }

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  quotematch::LogEvent("info", "shutdown", quotematch::StrCat("signal ", signal_number, "; draining"));
  health->SetServingStatus(kServiceName, false);
  health->SetServingStatus(false);
  server->Shutdown(std::chrono::system_clock::now() +
                   std::chrono::seconds(absl::GetFlag(FLAGS_drain_seconds)));
  server->Wait();
  pool.Shutdown();
  quotematch::LogEvent("info", "stopped", "");
  return 0;
}
