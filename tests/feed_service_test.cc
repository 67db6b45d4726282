// The live feed over gRPC: IngestDocuments and WatchMatches on a server
// with a store in a temporary directory, over a real 127.0.0.1 port.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "feed/live_feed.h"
#include "quotematch/v1/quotematch.grpc.pb.h"
#include "server/service.h"
#include "server/work_queue.h"
#include "store/sqlite_store.h"
#include "tests/feed_fixtures.h"

namespace quotematch {
namespace {

using testing_feed::PairDocument;
using testing_feed::TempDir;

v1::Document English(int i) { return PairDocument(i, false); }
v1::Document Persian(int i) { return PairDocument(i, true); }

class FeedServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    feed_ = testing_feed::OpenTestFeed(engine_, dir_.path() / "q.db");
    ASSERT_NE(feed_, nullptr);
    pool_ = std::make_unique<WorkQueue>(2);
    service_ = std::make_unique<QuoteMatchService>(engine_, *pool_, feed_.get());
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials());
    stub_ = v1::QuoteMatchService::NewStub(channel_);
  }
  void TearDown() override {
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    pool_->Shutdown();
    feed_.reset();
  }

  // Sends documents on one IngestDocuments stream; returns the answers.
  std::vector<v1::IngestDocumentsResponse> Ingest(const std::vector<v1::Document>& docs) {
    grpc::ClientContext ctx;
    auto stream = stub_->IngestDocuments(&ctx);
    std::vector<v1::IngestDocumentsResponse> out;
    for (const v1::Document& d : docs) {
      v1::IngestDocumentsRequest req;
      *req.mutable_document() = d;
      EXPECT_TRUE(stream->Write(req));
      v1::IngestDocumentsResponse resp;
      EXPECT_TRUE(stream->Read(&resp));   // one answer per document, in order
      out.push_back(resp);
    }
    stream->WritesDone();
    v1::IngestDocumentsResponse extra;
    EXPECT_FALSE(stream->Read(&extra));
    grpc::Status st = stream->Finish();
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out;
  }

  // Watches from `after` until `until` is reached (or `stop_at` events
  // were received); returns the sequences.
  std::vector<v1::MatchEvent> Watch(int64_t after, int64_t until, size_t stop_at = SIZE_MAX) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    v1::WatchMatchesRequest req;
    req.set_after_sequence(after);
    auto reader = stub_->WatchMatches(&ctx, req);
    std::vector<v1::MatchEvent> out;
    v1::WatchMatchesResponse resp;
    while (out.size() < stop_at && (out.empty() || out.back().sequence() < until) && reader->Read(&resp)) {
      out.push_back(resp.event());
    }
    ctx.TryCancel();
    while (reader->Read(&resp)) {
    }
    reader->Finish();
    return out;
  }

  TempDir dir_;
  Engine engine_;
  std::unique_ptr<LiveFeed> feed_;
  std::unique_ptr<WorkQueue> pool_;
  std::unique_ptr<QuoteMatchService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::QuoteMatchService::Stub> stub_;
};

TEST_F(FeedServiceTest, IngestAcknowledgesEachDocumentAndRejectsBadOnesWithoutStopping) {
  v1::Document bad = English(0);
  bad.set_text("");
  v1::Document no_lang = Persian(1);
  no_lang.set_language(v1::LANGUAGE_UNSPECIFIED);
  auto answers = Ingest({English(0), bad, Persian(0), no_lang, Persian(0)});
  ASSERT_EQ(answers.size(), 5u);
  ASSERT_TRUE(answers[0].has_stored());
  EXPECT_EQ(answers[0].stored().document_id(), "en-0");
  EXPECT_EQ(answers[0].stored().statement_count(), 1u);
  EXPECT_EQ(answers[0].stored().outcome(), v1::INGEST_OUTCOME_NEW);
  ASSERT_TRUE(answers[1].has_rejected());
  EXPECT_EQ(answers[1].rejected().code(), 3);
  EXPECT_NE(answers[1].rejected().message().find("document.text"), std::string::npos);
  ASSERT_TRUE(answers[2].has_stored());
  EXPECT_EQ(answers[2].stored().last_sequence(), 1);   // the pair it made
  ASSERT_TRUE(answers[3].has_rejected());
  EXPECT_NE(answers[3].rejected().message().find("document.language"), std::string::npos);
  ASSERT_TRUE(answers[4].has_stored());
  EXPECT_EQ(answers[4].stored().outcome(), v1::INGEST_OUTCOME_UNCHANGED);
  EXPECT_EQ(*feed_->store().DocumentCount(), 2);
}

TEST_F(FeedServiceTest, AWatcherSeesReplayThenLiveEvents) {
  Ingest({English(0), Persian(0)});
  grpc::ClientContext ctx;
  v1::WatchMatchesRequest req;
  auto reader = stub_->WatchMatches(&ctx, req);
  v1::WatchMatchesResponse resp;
  ASSERT_TRUE(reader->Read(&resp));   // replayed
  EXPECT_EQ(resp.event().sequence(), 1);
  EXPECT_EQ(resp.event().type(), v1::MATCH_EVENT_TYPE_ADDED);
  EXPECT_EQ(resp.event().english_document_id(), "en-0");
  EXPECT_EQ(resp.event().persian_document_id(), "fa-0");
  std::thread ingest([&] { Ingest({English(1), Persian(1)}); });
  ASSERT_TRUE(reader->Read(&resp));   // live
  EXPECT_EQ(resp.event().sequence(), 2);
  EXPECT_EQ(resp.event().english_document_id(), "en-1");
  ingest.join();
  ctx.TryCancel();
  while (reader->Read(&resp)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

TEST_F(FeedServiceTest, AResumedWatcherMissesNothingAndRepeatsNothing) {
  std::vector<v1::Document> docs;
  for (int i = 0; i < 40; ++i) {
    docs.push_back(English(i));
    docs.push_back(Persian(i));
  }
  Ingest(docs);
  const int64_t last = feed_->last_sequence();
  ASSERT_GE(last, 40);
  const std::vector<v1::MatchEvent> whole = Watch(0, last);
  ASSERT_EQ(static_cast<int64_t>(whole.size()), last);
  std::mt19937 rng(7);
  for (int round = 0; round < 5; ++round) {
    const size_t cut = 1 + rng() % (whole.size() - 1);
    std::vector<v1::MatchEvent> got = Watch(0, last, cut);
    ASSERT_EQ(got.size(), cut);
    const std::vector<v1::MatchEvent> rest = Watch(got.back().sequence(), last);
    got.insert(got.end(), rest.begin(), rest.end());
    ASSERT_EQ(got.size(), whole.size()) << "cut at " << cut;
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].sequence(), whole[i].sequence());
      EXPECT_EQ(got[i].match_id(), whole[i].match_id());
    }
  }
}

TEST_F(FeedServiceTest, FiltersAndBadRequests) {
  Ingest({English(0), Persian(0)});
  {
    grpc::ClientContext ctx;
    v1::WatchMatchesRequest req;
    req.set_min_score(2);
    auto reader = stub_->WatchMatches(&ctx, req);
    v1::WatchMatchesResponse resp;
    EXPECT_FALSE(reader->Read(&resp));
    grpc::Status st = reader->Finish();
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(st.error_message().find("min_score"), std::string::npos);
  }
  Ingest({English(1), Persian(1)});
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  v1::WatchMatchesRequest req;
  req.set_speaker("reza amini");   // pair 1's speaker, written differently
  auto reader = stub_->WatchMatches(&ctx, req);
  v1::WatchMatchesResponse resp;
  ASSERT_TRUE(reader->Read(&resp));
  EXPECT_EQ(resp.event().sequence(), 2);
  EXPECT_EQ(resp.event().speaker(), "Reza Amini");
  ctx.TryCancel();
  while (reader->Read(&resp)) {
  }
  reader->Finish();
}

// Resident memory of this process, in KiB (Linux).
long RssKiB() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

// One watcher reads 100× slower than three others while events flow: the
// fast ones keep receiving each event within 100 ms of its being recorded,
// and the server buffers at most a page per watcher. QM_FEED_EVENTS sets
// the number of events (default 600; the closing figures use 10,000).
TEST_F(FeedServiceTest, ASlowWatcherHoldsNobodyBack) {
  const char* env = std::getenv("QM_FEED_EVENTS");
  const int events = env ? std::atoi(env) : 600;
  const auto fast_pause = std::chrono::microseconds(100), slow_pause = std::chrono::microseconds(10000);
  const long rss_before = RssKiB();
  struct Result {
    std::vector<double> delays_ms;
    int64_t last = 0;
    bool in_order = true;
  };
  auto watch = [&](std::chrono::microseconds pause, int want, Result* r) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(300));
    auto reader = stub_->WatchMatches(&ctx, v1::WatchMatchesRequest());
    v1::WatchMatchesResponse resp;
    int got = 0;
    while (got < want && reader->Read(&resp)) {
      const int64_t now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
      r->delays_ms.push_back((now_us - resp.event().recorded_unix_micros()) / 1000.0);
      r->in_order &= resp.event().sequence() == r->last + 1;
      r->last = resp.event().sequence();
      ++got;
      std::this_thread::sleep_for(pause);
    }
    ctx.TryCancel();
    while (reader->Read(&resp)) {
    }
    reader->Finish();
  };
  Result fast[3], slow;
  std::vector<std::thread> watchers;
  for (Result& r : fast) watchers.emplace_back(watch, fast_pause, events, &r);
  watchers.emplace_back(watch, slow_pause, events, &slow);
  std::vector<v1::Document> docs;
  for (int i = 0; i < events; ++i) {
    docs.push_back(English(i));
    docs.push_back(Persian(i));
  }
  const auto t0 = std::chrono::steady_clock::now();
  Ingest(docs);
  const double ingest_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  long rss_peak = RssKiB();
  for (std::thread& t : watchers) t.join();
  rss_peak = std::max(rss_peak, RssKiB());
  EXPECT_EQ(feed_->last_sequence(), events);
  std::vector<double> all;
  for (const Result& r : fast) {
    EXPECT_EQ(r.last, events);
    EXPECT_TRUE(r.in_order);
    all.insert(all.end(), r.delays_ms.begin(), r.delays_ms.end());
  }
  EXPECT_EQ(slow.last, events);
  EXPECT_TRUE(slow.in_order);
  std::sort(all.begin(), all.end());
  const double p50 = all[all.size() / 2], p99 = all[all.size() * 99 / 100], max = all.back();
  std::printf("%d events in %.1f s; fast watchers' delay p50 %.1f ms, p99 %.1f ms, max %.1f ms; slow watcher done "
              "too; RSS %ld → %ld KiB\n",
              events, ingest_s, p50, p99, max, rss_before, rss_peak);
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
  // Sanitizers slow everything tenfold or more: the delays are printed, not judged.
#else
  EXPECT_LT(p99, 100.0) << "fast watchers were held back";
#endif
  // The server held at most one page of events per watcher, though the
  // slow one fell thousands of events behind. (The RSS growth is mostly the
  // feed's index of the documents ingested.)
  std::printf("most events a watcher held in the server at once: %zu\n", service_->stats().max_watch_backlog.load());
  EXPECT_LE(service_->stats().max_watch_backlog.load(), 256u);
  // The server ends a cancelled stream on its own time.
  for (int i = 0; i < 500 && service_->stats().open_watchers.load() != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(service_->stats().open_watchers.load(), 0u);
}

}  // namespace
}  // namespace quotematch
