// Security and limits of the service, end to end over 127.0.0.1: TLS and
// mutual TLS with certificates made by `openssl` at test time, bearer
// tokens with scopes and SIGHUP-style reloads, rate and stream limits,
// message and document limits, invalid fields, deadlines — every status
// code asserted with its google.rpc details. Also the config loader.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <gtest/gtest.h>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "pipeline/engine.h"
#include "quotematch/v1/quotematch.grpc.pb.h"
#include "server/auth.h"
#include "server/config.h"
#include "server/metrics.h"
#include "server/service.h"
#include "server/status_details.h"
#include "server/transport.h"
#include "server/work_queue.h"
#include "tests/feed_fixtures.h"

namespace quotematch {
namespace {

using testing_feed::TempDir;
namespace fs = std::filesystem;

const char kReadToken[] = "read-token-0123456789abcdef";
const char kIngestToken[] = "ingest-token-0123456789abcdef";

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void WriteFile(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

// The google.rpc.Status details of a status (fails the test if absent).
google::rpc::Status Details(const grpc::Status& st) {
  google::rpc::Status rpc;
  EXPECT_TRUE(DecodeDetails(st, &rpc)) << "no details on " << st.error_code() << " " << st.error_message();
  EXPECT_EQ(rpc.code(), static_cast<int>(st.error_code()));
  EXPECT_EQ(rpc.message(), st.error_message());
  return rpc;
}

template <typename T>
bool Unpack(const google::rpc::Status& rpc, T* out) {
  for (const auto& any : rpc.details()) {
    if (any.UnpackTo(out)) return true;
  }
  return false;
}

std::string Reason(const grpc::Status& st) {
  google::rpc::ErrorInfo info;
  EXPECT_TRUE(Unpack(Details(st), &info));
  EXPECT_EQ(info.domain(), "quotematch");
  return info.reason();
}

std::string BadField(const grpc::Status& st) {
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << st.error_message();
  google::rpc::BadRequest bad;
  EXPECT_TRUE(Unpack(Details(st), &bad)) << st.error_message();
  return bad.field_violations_size() == 1 ? bad.field_violations(0).field() : "";
}

std::string QuotaSubject(const grpc::Status& st) {
  EXPECT_EQ(st.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << st.error_message();
  google::rpc::QuotaFailure q;
  EXPECT_TRUE(Unpack(Details(st), &q)) << st.error_message();
  return q.violations_size() == 1 ? q.violations(0).subject() : "";
}

v1::Document Doc(const std::string& id, v1::Language language, const std::string& text) {
  v1::Document d;
  d.set_id(id);
  d.set_language(language);
  d.set_text(text);
  return d;
}

// A server on an ephemeral loopback port with the given config and options.
class Server {
 public:
  Server(const ServerConfig& config, ServiceOptions options, LiveFeed* feed = nullptr, size_t workers = 2) {
    EngineOptions engine_options;
    engine_options.max_document_bytes = static_cast<size_t>(config.max_document_bytes);
    engine_options.max_statements_per_document = static_cast<size_t>(config.max_statements_per_document);
    engine_ = std::make_unique<Engine>(engine_options);
    pool_ = std::make_unique<WorkQueue>(workers);
    service_ = std::make_unique<QuoteMatchService>(*engine_, *pool_, feed, options);
    grpc::EnableDefaultHealthCheckService(true);
    grpc::ServerBuilder builder;
    auto credentials = ServerCredentialsFor(config);
    EXPECT_TRUE(credentials.ok()) << credentials.status();
    builder.AddListeningPort("127.0.0.1:0", *credentials, &port_);
    ApplyTransportOptions(config, &builder);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    EXPECT_NE(server_, nullptr);
    server_->GetHealthCheckService()->SetServingStatus(true);
  }
  ~Server() {
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    pool_->Shutdown();
  }
  std::string address() const { return "localhost:" + std::to_string(port_); }
  const QuoteMatchService& service() const { return *service_; }
  WorkQueue& pool() { return *pool_; }
  const Engine& engine() const { return *engine_; }

 private:
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<WorkQueue> pool_;
  std::unique_ptr<QuoteMatchService> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

std::unique_ptr<v1::QuoteMatchService::Stub> Stub(const std::string& address,
                                                   std::shared_ptr<grpc::ChannelCredentials> creds = nullptr) {
  return v1::QuoteMatchService::NewStub(
      grpc::CreateChannel(address, creds ? creds : grpc::InsecureChannelCredentials()));
}

grpc::Status Normalize(v1::QuoteMatchService::Stub& stub, const std::string& text, const char* token = nullptr,
                       int language = v1::LANGUAGE_UNSPECIFIED, int deadline_ms = 5000) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(deadline_ms));
  if (token != nullptr) ctx.AddMetadata("authorization", token);
  v1::NormalizeRequest req;
  req.set_text(text);
  req.set_language(static_cast<v1::Language>(language));
  v1::NormalizeResponse resp;
  return stub.Normalize(&ctx, req, &resp);
}

// --- configuration ------------------------------------------------------------

TEST(ConfigTest, FileThenEnvironmentThenFlags) {
  TempDir dir;
  const fs::path file = dir.path() / "server.conf";
  WriteFile(file, "# comment\nworkers = 3\nmin_score = 0.7   # trailing\nlisten = \"0.0.0.0:7000\"\nchannelz = true\n");
  const std::string config_flag = "--config=" + file.string();
  const char* argv[] = {"server", config_flag.c_str(), "--min_score=0.8", "--drain_seconds", "4"};
  const char* env[] = {"QM_WORKERS=5", "QM_MIN_SCORE=0.6", "UNRELATED=1", nullptr};
  bool print = false;
  auto c = LoadServerConfig(5, argv, env, &print);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_FALSE(print);
  EXPECT_EQ(c->workers, 5);            // env over file
  EXPECT_EQ(c->min_score, 0.8);        // flag over env over file
  EXPECT_EQ(c->listen, "0.0.0.0:7000");
  EXPECT_TRUE(c->channelz);
  EXPECT_EQ(c->drain_seconds, 4);
  EXPECT_EQ(c->sources.at("workers"), "env QM_WORKERS");
  EXPECT_EQ(c->sources.at("listen"), file.string() + ":4");
  const std::string printed = PrintConfig(*c);
  EXPECT_NE(printed.find("workers = 5  # env QM_WORKERS"), std::string::npos) << printed;
  EXPECT_NE(printed.find("max_streams = 256  # default"), std::string::npos) << printed;
  // The printed config is itself a valid config file with the same values.
  WriteFile(dir.path() / "printed.conf", printed);
  const std::string again_flag = "--config=" + (dir.path() / "printed.conf").string();
  const char* again_argv[] = {"server", again_flag.c_str()};
  auto again = LoadServerConfig(2, again_argv, nullptr);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->workers, 5);
  EXPECT_EQ(again->listen, "0.0.0.0:7000");
  // Both on port 0 (each picks a free port) is fine; the same fixed port is not.
  const char* zero_argv[] = {"server", "--listen=127.0.0.1:0", "--metrics_listen=127.0.0.1:0"};
  EXPECT_TRUE(LoadServerConfig(3, zero_argv, nullptr).ok());
  const char* same_argv[] = {"server", "--listen=127.0.0.1:9000", "--metrics_listen=127.0.0.1:9000"};
  EXPECT_FALSE(LoadServerConfig(3, same_argv, nullptr).ok());
}

TEST(ConfigTest, TheStoreUrlIsPrintedWithoutItsPassword) {
  const char* argv[] = {"server", "--store=postgresql://qm:hunter2@db:5432/feed"};
  auto c = LoadServerConfig(2, argv, nullptr);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->store, "postgresql://qm:hunter2@db:5432/feed");
  const std::string printed = PrintConfig(*c);
  EXPECT_EQ(printed.find("hunter2"), std::string::npos) << printed;
  EXPECT_NE(printed.find("store = postgresql://qm:***@db:5432/feed  # flag --store"), std::string::npos) << printed;
}

TEST(ConfigTest, InvalidValuesNameTheKeyAndSource) {
  TempDir dir;
  struct Case {
    std::string file;
    std::vector<std::string> flags;
    std::vector<std::string> env;
    std::string want;
  } cases[] = {
      {"workers = -1\n", {}, {}, "server.conf:1: workers: must be >= 0"},
      {"bogus = 1\n", {}, {}, "server.conf:1: unknown key \"bogus\""},
      {"workers\n", {}, {}, "server.conf:1: expected key = value"},
      {"", {"--min_score=2"}, {}, "flag --min_score: min_score: must be in (0, 1]"},
      {"", {"--workers=many"}, {}, "flag --workers: workers: \"many\" is not an integer"},
      {"", {"--nope=1"}, {}, "flag --nope: unknown flag"},
      {"", {}, {"QM_MAX_STREAMS=0"}, "env QM_MAX_STREAMS: max_streams: must be >= 1"},
      {"", {"--channelz=maybe"}, {}, "channelz: \"maybe\" is not true or false"},
      {"", {"--tls_cert=/nonexistent.pem"}, {}, "tls_cert and tls_key must be given together"},
      {"", {"--tls_client_ca=/x.pem"}, {}, "tls_client_ca: mutual TLS needs tls_cert"},
      {"", {"--auth_tokens=/nonexistent/tokens"}, {}, "auth_tokens: cannot read /nonexistent/tokens"},
      {"", {"--metrics_listen=9464"}, {}, "metrics_listen: must be HOST:PORT"},
      {"", {"--health_listen=8081"}, {}, "health_listen: must be HOST:PORT"},
      {"", {"--listen=0.0.0.0:8080", "--health_listen=0.0.0.0:8080"}, {}, "health_listen: must differ from listen"},
      {"", {"--metrics_listen=:9464", "--health_listen=:9464"}, {}, "health_listen: must differ from metrics_listen"},
      {"", {"--store=mysql://db/feed"}, {}, "flag --store: store: must be a postgres:// or postgresql:// URL"},
      {"db = feed.db\n", {"--store=postgres://qm@db/feed"}, {}, "flag --store: store: give either db"},
      {"", {"--db=feed.db"}, {"QM_STORE=postgresql://qm@db/feed"}, "env QM_STORE: store: give either db"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.want);
    WriteFile(dir.path() / "server.conf", c.file);
    std::vector<std::string> args = {"server", "--config=" + (dir.path() / "server.conf").string()};
    args.insert(args.end(), c.flags.begin(), c.flags.end());
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    std::vector<const char*> env;
    for (const auto& e : c.env) env.push_back(e.c_str());
    env.push_back(nullptr);
    auto loaded = LoadServerConfig(static_cast<int>(argv.size()), argv.data(), env.data());
    ASSERT_FALSE(loaded.ok());
    EXPECT_NE(std::string(loaded.status().message()).find(c.want), std::string::npos) << loaded.status();
  }
}

// --- authentication -----------------------------------------------------------

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tokens_file_ = dir_.path() / "tokens";
    WriteFile(tokens_file_, std::string("# token scopes name\n") + kReadToken + " read dashboard\n" + kIngestToken +
                                " read,ingest writer\n");
    auto tokens = TokenStore::Load(tokens_file_.string());
    ASSERT_TRUE(tokens.ok()) << tokens.status();
    tokens_ = *std::move(tokens);
    feed_ = testing_feed::OpenTestFeed(engine_, dir_.path() / "feed.db");
    ServiceOptions options;
    options.tokens = tokens_.get();
    options.metrics = &metrics_;
    server_ = std::make_unique<Server>(ServerConfig{}, options, feed_.get());
    stub_ = Stub(server_->address());
  }

  grpc::Status Ingest(const char* token) {
    grpc::ClientContext ctx;
    if (token != nullptr) ctx.AddMetadata("authorization", token);
    auto stream = stub_->IngestDocuments(&ctx);
    v1::IngestDocumentsRequest req;
    *req.mutable_document() = Doc("a1", v1::LANGUAGE_ENGLISH, "Ali Khan said: \"We will build 12 schools.\"");
    stream->Write(req);
    stream->WritesDone();
    v1::IngestDocumentsResponse resp;
    while (stream->Read(&resp)) {
    }
    return stream->Finish();
  }

  TempDir dir_;
  fs::path tokens_file_;
  Engine engine_;
  Metrics metrics_;
  std::unique_ptr<TokenStore> tokens_;
  std::unique_ptr<LiveFeed> feed_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<v1::QuoteMatchService::Stub> stub_;
};

TEST_F(AuthTest, TokensAreRequiredAndCheckedWithReasons) {
  grpc::Status st = Normalize(*stub_, "سلام");
  EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Reason(st), "TOKEN_MISSING");
  st = Normalize(*stub_, "سلام", "Basic dXNlcjpwYXNz");
  EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Reason(st), "TOKEN_MALFORMED");
  st = Normalize(*stub_, "سلام", "Bearer not-a-token-we-issued");
  EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Reason(st), "TOKEN_UNKNOWN");
  EXPECT_TRUE(Normalize(*stub_, "سلام", (std::string("Bearer ") + kReadToken).c_str()).ok());
  // A read-only token may not ingest; the ingest token may.
  st = Ingest((std::string("Bearer ") + kReadToken).c_str());
  EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Reason(st), "SCOPE_MISSING");
  EXPECT_NE(st.error_message().find("dashboard"), std::string::npos);
  EXPECT_EQ(Ingest(nullptr).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(Ingest((std::string("Bearer ") + kIngestToken).c_str()).ok());
  // Health needs no token, for orchestrator probes.
  grpc::GenericStub generic(grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  grpc::Slice empty("");
  grpc::ByteBuffer request(&empty, 1), response;   // HealthCheckRequest{service: ""}
  std::promise<grpc::Status> done;
  generic.UnaryCall(&ctx, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request, &response,
                    [&](grpc::Status s) { done.set_value(s); });
  EXPECT_TRUE(done.get_future().get().ok());
  EXPECT_NE(metrics_.Text().find("quotematch_rejected_total{reason=\"unauthenticated\"} 4"), std::string::npos)
      << metrics_.Text();
}

TEST_F(AuthTest, ReloadAddsTokensAndABadFileKeepsTheOldOnes) {
  const std::string fresh = "fresh-token-0123456789abcdef";
  EXPECT_EQ(Normalize(*stub_, "سلام", ("Bearer " + fresh).c_str()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  WriteFile(tokens_file_, fresh + " read newcomer\n");
  ASSERT_TRUE(tokens_->Reload().ok());
  EXPECT_TRUE(Normalize(*stub_, "سلام", ("Bearer " + fresh).c_str()).ok());
  EXPECT_EQ(Normalize(*stub_, "سلام", (std::string("Bearer ") + kReadToken).c_str()).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);   // dropped from the file
  WriteFile(tokens_file_, "short read x\n");
  absl::Status bad = tokens_->Reload();
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(bad.message()).find("tokens:1: token shorter than 16"), std::string::npos) << bad;
  EXPECT_TRUE(Normalize(*stub_, "سلام", ("Bearer " + fresh).c_str()).ok());   // still in force
}

TEST(TokenStoreTest, FileErrorsNameTheLine) {
  TempDir dir;
  const fs::path p = dir.path() / "tokens";
  for (const auto& [text, want] : std::vector<std::pair<std::string, std::string>>{
           {"abcdefghijklmnopqrst read\n", ":1: expected TOKEN SCOPES NAME"},
           {"abcdefghijklmnopqrst write x\n", ":1: unknown scope \"write\""},
           {"\nabcdefghijklmnopqrst read a\nabcdefghijklmnopqrst read b\n", ":3: duplicate token"},
       }) {
    WriteFile(p, text);
    auto t = TokenStore::Load(p.string());
    ASSERT_FALSE(t.ok());
    EXPECT_NE(std::string(t.status().message()).find(want), std::string::npos) << t.status();
  }
}

// --- TLS ---------------------------------------------------------------------------

// A CA, a server certificate for localhost/127.0.0.1, a client certificate
// from the CA and one from another CA, all made with openssl.
class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const std::string d = dir_->path().string();
    const std::string script = "cd '" + d + "' && (" +
        "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=qm-test-ca && "
        "openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.pem -days 2 -subj /CN=qm-other-ca && "
        "openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=localhost && "
        "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > san.ext && "
        "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 "
        "-extfile san.ext && "
        "openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj /CN=qm-client && "
        "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 2 && "
        "openssl req -newkey rsa:2048 -nodes -keyout rogue.key -out rogue.csr -subj /CN=qm-rogue && "
        "openssl x509 -req -in rogue.csr -CA other.pem -CAkey other.key -CAcreateserial -out rogue.pem -days 2"
        ") >openssl.log 2>&1";
    ok_ = std::system(script.c_str()) == 0;
  }
  static void TearDownTestSuite() { delete dir_; }
  void SetUp() override { ASSERT_TRUE(ok_) << ReadFile(dir_->path() / "openssl.log"); }

  static std::string P(const char* name) { return (dir_->path() / name).string(); }
  static std::shared_ptr<grpc::ChannelCredentials> Client(const char* ca, const char* cert = nullptr,
                                                          const char* key = nullptr) {
    grpc::SslCredentialsOptions o;
    o.pem_root_certs = ReadFile(P(ca));
    if (cert != nullptr) {
      o.pem_cert_chain = ReadFile(P(cert));
      o.pem_private_key = ReadFile(P(key));
    }
    return grpc::SslCredentials(o);
  }

  static TempDir* dir_;
  static bool ok_;
};
TempDir* TlsTest::dir_ = nullptr;
bool TlsTest::ok_ = false;

TEST_F(TlsTest, TlsServesTrustingClientsOnly) {
  ServerConfig config;
  config.tls_cert = P("server.pem");
  config.tls_key = P("server.key");
  Server server(config, {});
  EXPECT_TRUE(Normalize(*Stub(server.address(), Client("ca.pem")), "سلام").ok());
  EXPECT_EQ(Normalize(*Stub(server.address()), "سلام", nullptr, 0, 2000).error_code(),
            grpc::StatusCode::UNAVAILABLE);   // plaintext client
  EXPECT_EQ(Normalize(*Stub(server.address(), Client("other.pem")), "سلام", nullptr, 0, 2000).error_code(),
            grpc::StatusCode::UNAVAILABLE);   // does not trust our CA
}

TEST_F(TlsTest, MutualTlsRequiresAClientCertificateFromTheCa) {
  ServerConfig config;
  config.tls_cert = P("server.pem");
  config.tls_key = P("server.key");
  config.tls_client_ca = P("ca.pem");
  Server server(config, {});
  EXPECT_TRUE(Normalize(*Stub(server.address(), Client("ca.pem", "client.pem", "client.key")), "سلام").ok());
  EXPECT_EQ(Normalize(*Stub(server.address(), Client("ca.pem")), "سلام", nullptr, 0, 2000).error_code(),
            grpc::StatusCode::UNAVAILABLE);   // no client certificate
  EXPECT_EQ(Normalize(*Stub(server.address(), Client("ca.pem", "rogue.pem", "rogue.key")), "سلام", nullptr, 0, 2000)
                .error_code(),
            grpc::StatusCode::UNAVAILABLE);   // signed by another CA
}

TEST_F(TlsTest, BadPemFilesAreConfigErrors) {
  ServerConfig config;
  config.tls_cert = P("openssl.log");
  config.tls_key = P("server.key");
  auto creds = ServerCredentialsFor(config);
  ASSERT_FALSE(creds.ok());
  EXPECT_NE(std::string(creds.status().message()).find("tls_cert: "), std::string::npos) << creds.status();
}

// --- limits ------------------------------------------------------------------------

TEST(LimitsTest, RateLimitGivesRetryInfoAndQuotaFailure) {
  RateLimiter limiter(/*rate=*/1, /*burst=*/2);
  ServiceOptions options;
  options.rate_limiter = &limiter;
  Server server(ServerConfig{}, options);
  auto stub = Stub(server.address());
  EXPECT_TRUE(Normalize(*stub, "سلام").ok());
  EXPECT_TRUE(Normalize(*stub, "سلام").ok());
  const grpc::Status st = Normalize(*stub, "سلام");
  ASSERT_EQ(st.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << st.error_message();
  const google::rpc::Status rpc = Details(st);
  google::rpc::RetryInfo retry;
  ASSERT_TRUE(Unpack(rpc, &retry));
  const int64_t delay_ms = retry.retry_delay().seconds() * 1000 + retry.retry_delay().nanos() / 1000000;
  EXPECT_GT(delay_ms, 0);
  EXPECT_LE(delay_ms, 1000);
  EXPECT_EQ(QuotaSubject(st), "ipv4:127.0.0.1");
  // After the delay the caller is admitted again.
  std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms + 20));
  EXPECT_TRUE(Normalize(*stub, "سلام").ok());
}

TEST(LimitsTest, RateLimiterRefillsAtItsRate) {
  RateLimiter limiter(10, 1);
  const auto t0 = RateLimiter::Clock::now();
  EXPECT_EQ(limiter.Acquire("a", t0).count(), 0);
  EXPECT_EQ(limiter.Acquire("a", t0).count(), 100);
  EXPECT_EQ(limiter.Acquire("b", t0).count(), 0);   // per caller
  EXPECT_EQ(limiter.Acquire("a", t0 + std::chrono::milliseconds(100)).count(), 0);
}

TEST(LimitsTest, StreamAndWatcherLimitsGiveQuotaFailure) {
  TempDir dir;
  Engine engine;
  auto feed = testing_feed::OpenTestFeed(engine, dir.path() / "feed.db");
  ServiceOptions options;
  options.max_streams = 1;
  options.max_watchers = 1;
  Server server(ServerConfig{}, options, feed.get());
  auto stub = Stub(server.address());
  grpc::ClientContext first;
  auto open = stub->MatchStream(&first);
  v1::MatchStreamRequest req;
  *req.mutable_document() = Doc("e1", v1::LANGUAGE_ENGLISH, "Ali said: \"Yes.\"");
  ASSERT_TRUE(open->Write(req));
  v1::MatchStreamResponse resp;
  ASSERT_TRUE(open->Read(&resp));   // the stream is open and holds its slot
  {
    grpc::ClientContext second;
    auto refused = stub->MatchStream(&second);
    refused->WritesDone();
    while (refused->Read(&resp)) {
    }
    EXPECT_EQ(QuotaSubject(refused->Finish()), "max_streams");
  }
  open->WritesDone();
  while (open->Read(&resp)) {
  }
  EXPECT_TRUE(open->Finish().ok());
  grpc::ClientContext watching;
  auto watcher = stub->WatchMatches(&watching, v1::WatchMatchesRequest());
  for (int i = 0; i < 100 && server.service().stats().open_watchers.load() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  {
    grpc::ClientContext ctx;
    auto refused = stub->WatchMatches(&ctx, v1::WatchMatchesRequest());
    v1::WatchMatchesResponse w;
    while (refused->Read(&w)) {
    }
    EXPECT_EQ(QuotaSubject(refused->Finish()), "max_watchers");
  }
  watching.TryCancel();
  v1::WatchMatchesResponse w;
  while (watcher->Read(&w)) {
  }
  EXPECT_EQ(watcher->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

TEST(LimitsTest, MessageDocumentAndStatementLimitsGiveQuotaFailure) {
  ServerConfig config;
  config.max_document_bytes = 2000;
  config.max_statements_per_document = 2;
  ServiceOptions options;
  options.max_message_bytes = 4096;
  config.max_message_bytes = 4096;
  Server server(config, options);
  auto stub = Stub(server.address());
  std::string long_text;
  while (long_text.size() < 2500) long_text += "کلمه ";
  EXPECT_EQ(QuotaSubject(Normalize(*stub, long_text)), "text");
  std::string huge(6000, 'a');
  EXPECT_EQ(QuotaSubject(Normalize(*stub, huge)), "max_message_bytes");
  grpc::ClientContext ctx;
  v1::ExtractStatementsRequest req;
  *req.mutable_document() = Doc("d", v1::LANGUAGE_ENGLISH,
                                "\"We will open the border,\" Ali Khan said on Monday. \"Trade must grow,\" "
                                "Reza Amini said. \"Talks go on,\" Sara Ahmadi said.");
  v1::ExtractStatementsResponse resp;
  const grpc::Status st = stub->ExtractStatements(&ctx, req, &resp);
  EXPECT_EQ(QuotaSubject(st), "document.text");
  EXPECT_NE(st.error_message().find("3 statements exceeds the limit of 2"), std::string::npos) << st.error_message();
}

TEST(LimitsTest, EveryInvalidFieldGivesBadRequest) {
  Server server(ServerConfig{}, {});
  auto stub = Stub(server.address());
  EXPECT_EQ(BadField(Normalize(*stub, "")), "text");
  EXPECT_EQ(BadField(Normalize(*stub, "hi", nullptr, 7)), "language");
  EXPECT_EQ(BadField(Normalize(*stub, std::string("\xff\xfe bad", 6))), "text");
  {
    grpc::ClientContext ctx;
    v1::AlignDocumentsRequest req;
    auto reader = stub->AlignDocuments(&ctx, req);
    v1::AlignDocumentsResponse r;
    while (reader->Read(&r)) {
    }
    EXPECT_EQ(BadField(reader->Finish()), "english");
  }
  {
    grpc::ClientContext ctx;
    v1::AlignDocumentsRequest req;
    *req.mutable_english() = Doc("", v1::LANGUAGE_ENGLISH, "Ali said: \"Yes.\"");
    *req.mutable_persian() = Doc("p", v1::LANGUAGE_PERSIAN, "علی گفت: «بله.»");
    auto reader = stub->AlignDocuments(&ctx, req);
    v1::AlignDocumentsResponse r;
    while (reader->Read(&r)) {
    }
    EXPECT_EQ(BadField(reader->Finish()), "english.id");
  }
  {
    grpc::ClientContext ctx;
    v1::AlignDocumentsRequest req;
    *req.mutable_english() = Doc("e", v1::LANGUAGE_ENGLISH, "Ali said: \"Yes.\"");
    *req.mutable_persian() = Doc("p", v1::LANGUAGE_PERSIAN, "علی گفت: «بله.»");
    req.set_min_score(3);
    auto reader = stub->AlignDocuments(&ctx, req);
    v1::AlignDocumentsResponse r;
    while (reader->Read(&r)) {
    }
    EXPECT_EQ(BadField(reader->Finish()), "min_score");
  }
}

// A call whose deadline passes while it waits for a worker is not worked on.
TEST(LimitsTest, ExpiredCallsAreNotWorkedOn) {
  Metrics metrics;
  ServiceOptions options;
  options.inline_request_bytes = 0;   // everything through the (single) worker
  options.metrics = &metrics;
  Server server(ServerConfig{}, options, nullptr, /*workers=*/1);
  auto stub = Stub(server.address());
  // Hold the only worker until the calls have expired in its queue.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  ASSERT_TRUE(server.pool().Submit([released] { released.wait(); }));
  // Connected first, so that the calls' deadlines are spent in the queue.
  ASSERT_TRUE(grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials())
                  ->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10)));
  int expired = 0;
  for (int i = 0; i < 20; ++i) {
    // 200 ms: ample for a call to reach the service, even under
    // ThreadSanitizer on a loaded machine (with 50 ms, 6 of 20 once expired
    // on the way), and then spent waiting for the held worker.
    const grpc::Status st = Normalize(*stub, "سلام", nullptr, 0, 200);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << st.error_message();
    expired += st.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
  }
  release.set_value();
  EXPECT_EQ(expired, 20);
  // Every call that reached the service (a call can also expire before it
  // arrives, on a slow machine) was skipped, and none was worked on.
  const std::string reached = "quotematch_rpc_requests_total{code=\"DEADLINE_EXCEEDED\",method=\"Normalize\"} ";
  size_t count = 0;
  for (int i = 0; i < 500; ++i) {
    const std::string text = metrics.Text();
    const size_t at = text.find(reached);
    count = at == std::string::npos ? 0 : std::stoul(text.substr(at + reached.size()));
    if (count == 20 || (count > 0 && count == server.service().stats().abandoned.load() && i > 50)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GE(count, 15u);
  EXPECT_EQ(server.service().stats().abandoned.load(), count);
  EXPECT_EQ(metrics.Text().find("code=\"OK\",method=\"Normalize\""), std::string::npos);
  EXPECT_TRUE(Normalize(*stub, "سلام").ok());   // and the worker serves again
}

TEST(MetricsTest, CountsCallsByMethodAndCode) {
  Metrics metrics;
  ServiceOptions options;
  options.metrics = &metrics;
  Server server(ServerConfig{}, options);
  auto stub = Stub(server.address());
  EXPECT_TRUE(Normalize(*stub, "سلام").ok());
  EXPECT_FALSE(Normalize(*stub, "").ok());
  const std::string text = metrics.Text();
  EXPECT_NE(text.find("quotematch_rpc_requests_total{code=\"OK\",method=\"Normalize\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("quotematch_rpc_requests_total{code=\"INVALID_ARGUMENT\",method=\"Normalize\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("quotematch_rpc_duration_seconds_count{method=\"Normalize\"} 2"), std::string::npos);
  EXPECT_NE(text.find("quotematch_open_streams 0"), std::string::npos);
}

// A stream that is cancelled or whose deadline passes is recorded with the
// code its client sees.
TEST(MetricsTest, CancelledAndExpiredStreamsKeepTheirCodes) {
  TempDir dir;
  Engine engine;
  auto feed = testing_feed::OpenTestFeed(engine, dir.path() / "feed.db");
  Metrics metrics;
  ServiceOptions options;
  options.metrics = &metrics;
  Server server(ServerConfig{}, options, feed.get());
  auto stub = Stub(server.address());
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(300));
    auto watcher = stub->WatchMatches(&ctx, v1::WatchMatchesRequest());
    v1::WatchMatchesResponse w;
    while (watcher->Read(&w)) {
    }
    EXPECT_EQ(watcher->Finish().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  }
  {
    grpc::ClientContext ctx;
    auto stream = stub->MatchStream(&ctx);
    v1::MatchStreamRequest req;
    *req.mutable_document() = Doc("e1", v1::LANGUAGE_ENGLISH, "Ali said: \"Yes.\"");
    ASSERT_TRUE(stream->Write(req));
    v1::MatchStreamResponse resp;
    ASSERT_TRUE(stream->Read(&resp));
    ctx.TryCancel();
    while (stream->Read(&resp)) {
    }
    EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  std::string text;
  for (int i = 0; i < 100; ++i) {
    text = metrics.Text();
    if (text.find("method=\"MatchStream\"} 1") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_NE(text.find("quotematch_rpc_requests_total{code=\"DEADLINE_EXCEEDED\",method=\"WatchMatches\"} 1"),
            std::string::npos) << text;
  EXPECT_NE(text.find("quotematch_rpc_requests_total{code=\"CANCELLED\",method=\"MatchStream\"} 1"),
            std::string::npos) << text;
  EXPECT_NE(text.find("quotematch_open_watchers 0"), std::string::npos);
  EXPECT_NE(text.find("quotematch_open_streams 0"), std::string::npos);
}

// x-request-id: the client's is echoed; otherwise one is made up.
TEST(RequestIdTest, EchoedOrMadeUp) {
  Server server(ServerConfig{}, {});
  auto stub = Stub(server.address());
  for (const std::string sent : {"client-id-42", "", "bad id with spaces"}) {
    grpc::ClientContext ctx;
    if (!sent.empty()) ctx.AddMetadata("x-request-id", sent);
    v1::NormalizeRequest req;
    req.set_text("سلام");
    v1::NormalizeResponse resp;
    ASSERT_TRUE(stub->Normalize(&ctx, req, &resp).ok());
    auto it = ctx.GetServerInitialMetadata().find("x-request-id");
    ASSERT_NE(it, ctx.GetServerInitialMetadata().end());
    const std::string got(it->second.data(), it->second.size());
    if (sent == "client-id-42") EXPECT_EQ(got, sent);
    else EXPECT_EQ(got.size(), 16u) << got;
  }
}

}  // namespace
}  // namespace quotematch
