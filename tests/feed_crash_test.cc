// The live feed survives a crash: a client ingests 2,000 documents through
// a real quotematch-server process and records every acknowledgement; the
// server is killed with SIGKILL at a random point and restarted on the same
// database. Every acknowledged document must be there with its statements,
// and the event history read from cursor 0 must be consistent: sequences
// 1..N with no gap or repeat, every SUPERSEDED or RETRACTED event ending a
// pair that was ADDED and still live, every live pair's documents stored.
// Runs on SQLite and on PostgreSQL (QM_TEST_POSTGRES; see
// tests/feed_fixtures.h).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "quotematch/v1/quotematch.grpc.pb.h"
#include "store/sqlite_store.h"
#include "tests/feed_fixtures.h"

namespace quotematch {
namespace {

constexpr int kPairs = 1000;   // 2,000 documents

// Document i: the English (even i) or Persian (odd i) side of pair i / 2.
v1::Document Doc(int i) {
  v1::Document d = testing_feed::PairDocument(i / 2, i % 2 == 1);
  d.set_source("crash-test");
  return d;
}

class Server {
 public:
  // `store`: a SQLite path or a PostgreSQL URL.
  Server(const std::filesystem::path& dir, const std::string& store) {
    const std::string port_file = (dir / "port").string();
    std::filesystem::remove(port_file);
    pid_ = fork();
    if (pid_ == 0) {
      const std::string log = (dir / "server.log").string();
      freopen(log.c_str(), "a", stderr);
      execl(QM_SERVER_BINARY, QM_SERVER_BINARY, "--listen=127.0.0.1:0", ("--port_file=" + port_file).c_str(),
            ((IsPostgresUrl(store) ? "--store=" : "--db=") + store).c_str(), "--workers=2", "--drain_seconds=1", static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 600 && port_.empty(); ++i) {
      std::ifstream in(port_file);
      std::getline(in, port_);
      if (port_.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ~Server() {
    if (pid_ > 0) Kill(SIGKILL);
  }
  bool ok() const { return !port_.empty(); }
  std::string address() const { return "127.0.0.1:" + port_; }
  int Kill(int signal) {
    kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_ = -1;
  std::string port_;
};

class FeedCrashTest : public ::testing::TestWithParam<bool> {};

TEST_P(FeedCrashTest, AcknowledgedDocumentsAndAConsistentHistorySurviveSigkill) {
  const testing_feed::TempDir temp;
  const std::filesystem::path& dir = temp.path();
  std::string db;   // a SQLite file or a PostgreSQL URL
  std::unique_ptr<testing_feed::TestDatabase> database;
  QM_TEST_STORE(GetParam(), dir / "feed.db", database, db);
  std::mt19937 rng(std::random_device{}());

  // 1. Ingest until killed.
  std::map<std::string, uint32_t> acked;   // document id → statement count
  {
    Server server(dir, db);
    ASSERT_TRUE(server.ok()) << "server did not start";
    auto stub = v1::QuoteMatchService::NewStub(grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
    const int kill_after = 200 + static_cast<int>(rng() % 1600);   // acks before the kill
    grpc::ClientContext ctx;
    auto stream = stub->IngestDocuments(&ctx);
    std::thread killer;
    int sent = 0;
    for (; sent < 2 * kPairs; ++sent) {
      v1::IngestDocumentsRequest req;
      *req.mutable_document() = Doc(sent);
      if (!stream->Write(req)) break;
      v1::IngestDocumentsResponse resp;
      if (!stream->Read(&resp)) break;
      ASSERT_TRUE(resp.has_stored()) << resp.rejected().message();
      acked[resp.stored().document_id()] = resp.stored().statement_count();
      if (static_cast<int>(acked.size()) == kill_after) {
        // Kill while the next writes are in flight.
        killer = std::thread([&server] { server.Kill(SIGKILL); });
      }
    }
    if (killer.joinable()) killer.join();
    ctx.TryCancel();
    stream->Finish();
    std::printf("acknowledged %zu documents before SIGKILL (kill after %d)\n", acked.size(), kill_after);
    ASSERT_GE(acked.size(), static_cast<size_t>(kill_after));
  }

  // 2. Restart; read the whole history.
  std::vector<v1::MatchEvent> events;
  {
    Server server(dir, db);
    ASSERT_TRUE(server.ok()) << "server did not restart";
    auto stub = v1::QuoteMatchService::NewStub(grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));   // replay, then idle
    v1::WatchMatchesRequest req;
    auto reader = stub->WatchMatches(&ctx, req);
    v1::WatchMatchesResponse resp;
    while (reader->Read(&resp)) events.push_back(resp.event());
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
    EXPECT_EQ(server.Kill(SIGTERM), 0);
  }

  // 3. Check the store and the history.
  auto store = testing_feed::OpenStoreAt(db);
  ASSERT_TRUE(store.ok()) << store.status();
  for (const auto& [id, count] : acked) {
    auto d = (*store)->GetDocument(id);
    ASSERT_TRUE(d.ok() && d->has_value()) << "acknowledged document lost: " << id;
    EXPECT_EQ((*d)->statements.size(), count) << id;
    EXPECT_TRUE((*d)->matched) << id << " was acknowledged before its matching was recorded";
  }
  ASSERT_FALSE(events.empty());
  std::map<int64_t, v1::MatchEvent> live;   // match id → its ADDED event
  std::set<int64_t> ended;
  for (size_t i = 0; i < events.size(); ++i) {
    const v1::MatchEvent& e = events[i];
    ASSERT_EQ(e.sequence(), static_cast<int64_t>(i + 1)) << "gap or repeat in the history";
    if (e.type() == v1::MATCH_EVENT_TYPE_ADDED) {
      EXPECT_FALSE(live.contains(e.match_id()) || ended.contains(e.match_id())) << "match added twice";
      live[e.match_id()] = e;
    } else {
      ASSERT_TRUE(live.contains(e.match_id())) << "event " << e.sequence() << " ends a match that is not live";
      live.erase(e.match_id());
      ended.insert(e.match_id());
    }
  }
  EXPECT_EQ(static_cast<int64_t>(events.size()), *(*store)->LastSequence());
  auto stored_live = (*store)->LiveMatches();
  ASSERT_TRUE(stored_live.ok());
  EXPECT_EQ(stored_live->size(), live.size());
  for (const auto& [id, e] : live) {
    for (const std::string& doc : {e.english_document_id(), e.persian_document_id()}) {
      auto d = (*store)->GetDocument(doc);
      ASSERT_TRUE(d.ok() && d->has_value()) << "live pair " << id << " names a missing document " << doc;
    }
  }
  std::printf("history: %zu events, %zu live pairs, %zu documents stored\n", events.size(), live.size(),
              static_cast<size_t>(*(*store)->DocumentCount()));
}

INSTANTIATE_TEST_SUITE_P(Stores, FeedCrashTest, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "Postgres" : "Sqlite";
                         });

}  // namespace
}  // namespace quotematch
