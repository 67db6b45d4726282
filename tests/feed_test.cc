#include "feed/live_feed.h"

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>

#include <gtest/gtest.h>

#include "tests/feed_fixtures.h"

#include "store/sqlite_store.h"

namespace quotematch {
namespace {

constexpr int64_t kDay = 24 * 3600;
constexpr int64_t kT0 = 1700000000;

// One English report and two Persian versions of it: a close one and a
// looser one that still matches.
const char kEnglish[] =
    "Foreign Minister Ali Khan said: “The border crossing at Taftan will reopen on Friday for all trucks and "
    "passenger buses.”";
const char kPersianClose[] =
    "علی خان وزیر امور خارجه گفت: «گذرگاه مرزی تفتان روز جمعه برای همه کامیون‌ها و اتوبوس‌های مسافربری بازگشایی "
    "می‌شود.»";
const char kPersianLoose[] = "علی خان گفت: «گذرگاه مرزی تفتان بازگشایی می‌شود.»";
const char kEnglishLoose[] = "Ali Khan said: “The Taftan crossing will reopen.”";

// Every test runs on SQLite and on PostgreSQL (skipped without
// QM_TEST_POSTGRES; see tests/feed_fixtures.h).
class FeedTest : public ::testing::TestWithParam<bool> {
 protected:
  bool postgres() const { return GetParam(); }
  void SetUp() override {
    QM_TEST_STORE(postgres(), dir_ / "q.db", database_, location_);
    Reopen();
  }
  void TearDown() override {
    feed_.reset();
    database_.reset();
  }
  void Reopen() {
    feed_.reset();
    feed_ = testing_feed::OpenTestFeed(engine_, location_);
    ASSERT_NE(feed_, nullptr);
  }
  IngestResult Ingest(const std::string& id, Language lang, const std::string& text, int64_t published = kT0) {
    return IngestInto(*feed_, id, lang, text, published);
  }
  static IngestResult IngestInto(LiveFeed& feed, const std::string& id, Language lang, const std::string& text,
                                 int64_t published = kT0) {
    auto r = feed.Ingest(Document{id, lang, text, published, "test"});
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : IngestResult{};
  }
  std::vector<MatchEvent> All() {
    auto e = feed_->EventsAfter(0, 1000);
    EXPECT_TRUE(e.ok());
    return e.ok() ? *e : std::vector<MatchEvent>{};
  }

  testing_feed::TempDir temp_;
  const std::filesystem::path& dir_ = temp_.path();
  std::unique_ptr<testing_feed::TestDatabase> database_;
  std::string location_;   // SQLite file or PostgreSQL URL
  Engine engine_;
  std::unique_ptr<LiveFeed> feed_;
};

TEST_P(FeedTest, TheCloseTranslationScoresAboveTheLooseOne) {
  // The premise of the supersede tests.
  const Aligner& a = engine_.aligner();
  auto en = engine_.Analyze(Document{"e", Language::kEnglish, kEnglish, kT0, ""}, "en");
  auto close = engine_.Analyze(Document{"c", Language::kPersian, kPersianClose, kT0, ""}, "fa");
  auto loose = engine_.Analyze(Document{"l", Language::kPersian, kPersianLoose, kT0, ""}, "fa");
  ASSERT_TRUE(en.ok() && close.ok() && loose.ok());
  ASSERT_EQ((*en)->features.size(), 1u);
  const double pc = a.Calibrate(a.LogOdds((*en)->features[0], (*close)->features[0]));
  const double pl = a.Calibrate(a.LogOdds((*en)->features[0], (*loose)->features[0]));
  EXPECT_GT(pc, pl);
  EXPECT_GT(pl, 0.3);
}

TEST_P(FeedTest, ABetterPersianCounterpartSupersedesTheEarlierPair) {
  Ingest("fa-loose", Language::kPersian, kPersianLoose);
  IngestResult en = Ingest("en", Language::kEnglish, kEnglish);
  ASSERT_EQ(en.events.size(), 1u);
  EXPECT_EQ(en.events[0].type, MatchEventType::kAdded);
  EXPECT_EQ(en.events[0].match.persian_document, "fa-loose");
  IngestResult close = Ingest("fa-close", Language::kPersian, kPersianClose);
  ASSERT_EQ(close.events.size(), 2u);
  EXPECT_EQ(close.events[0].type, MatchEventType::kSuperseded);
  EXPECT_EQ(close.events[0].match.id, en.events[0].match.id);
  EXPECT_EQ(close.events[1].type, MatchEventType::kAdded);
  EXPECT_EQ(close.events[1].match.persian_document, "fa-close");
  EXPECT_EQ(close.events[1].match.english_document, "en");
  EXPECT_EQ(close.events[1].match.new_side, Language::kPersian);
  auto live = feed_->store().LiveMatches();
  ASSERT_TRUE(live.ok());
  ASSERT_EQ(live->size(), 1u);
  EXPECT_EQ(live->front().persian_document, "fa-close");
  // A worse counterpart arriving now changes nothing.
  IngestResult late = Ingest("fa-loose-2", Language::kPersian, std::string(kPersianLoose) + " ");
  EXPECT_TRUE(late.events.empty());
}

TEST_P(FeedTest, ABetterEnglishCounterpartSupersedesTheEarlierPair) {
  Ingest("en-loose", Language::kEnglish, kEnglishLoose);
  IngestResult fa = Ingest("fa", Language::kPersian, kPersianClose);
  ASSERT_EQ(fa.events.size(), 1u);
  EXPECT_EQ(fa.events[0].match.english_document, "en-loose");
  IngestResult en = Ingest("en", Language::kEnglish, kEnglish);
  ASSERT_EQ(en.events.size(), 2u);
  EXPECT_EQ(en.events[0].type, MatchEventType::kSuperseded);
  EXPECT_EQ(en.events[1].type, MatchEventType::kAdded);
  EXPECT_EQ(en.events[1].match.english_document, "en");
  const auto events = All();
  ASSERT_EQ(events.size(), 3u);
  for (size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i].sequence, static_cast<int64_t>(i + 1));
}

TEST_P(FeedTest, IngestIsIdempotentAndANewVersionRetractsItsPairs) {
  Ingest("en", Language::kEnglish, kEnglish);
  IngestResult fa = Ingest("fa", Language::kPersian, kPersianClose);
  ASSERT_EQ(fa.events.size(), 1u);
  IngestResult again = Ingest("fa", Language::kPersian, kPersianClose);
  EXPECT_EQ(again.result, PutResult::kUnchanged);
  EXPECT_EQ(again.statement_count, 1u);
  EXPECT_TRUE(again.events.empty());
  EXPECT_EQ(feed_->last_sequence(), 1);
  // New content, nothing matchable: the old pair is retracted.
  IngestResult v2 = Ingest("fa", Language::kPersian, "قیمت نان در بازار تهران افزایش یافت.");
  EXPECT_EQ(v2.result, PutResult::kReplaced);
  EXPECT_EQ(v2.version, 2);
  ASSERT_EQ(v2.events.size(), 1u);
  EXPECT_EQ(v2.events[0].type, MatchEventType::kRetracted);
  EXPECT_TRUE(feed_->store().LiveMatches()->empty());
  EXPECT_EQ(feed_->statement_count(), 1u);   // the English one; the new Persian version has none
}

TEST_P(FeedTest, OnlyDocumentsWithinTheWindowAreMatched) {
  Ingest("en", Language::kEnglish, kEnglish, kT0);
  IngestResult far = Ingest("fa-far", Language::kPersian, kPersianClose, kT0 + 30 * kDay);
  EXPECT_TRUE(far.events.empty());
  IngestResult near = Ingest("fa-near", Language::kPersian, kPersianClose, kT0 + 2 * kDay);
  EXPECT_EQ(near.events.size(), 1u);
}

TEST_P(FeedTest, RestartRebuildsTheIndexAndTheLivePairs) {
  Ingest("fa-loose", Language::kPersian, kPersianLoose);
  Ingest("en", Language::kEnglish, kEnglish);
  Reopen();
  EXPECT_EQ(feed_->rebuild_stats().documents, 2u);
  EXPECT_EQ(feed_->rebuild_stats().statements, 2u);
  EXPECT_EQ(feed_->rebuild_stats().rematched, 0u);
  EXPECT_EQ(feed_->last_sequence(), 1);
  // The rebuilt state supersedes exactly as the first run would have.
  IngestResult close = Ingest("fa-close", Language::kPersian, kPersianClose);
  ASSERT_EQ(close.events.size(), 2u);
  EXPECT_EQ(close.events[0].type, MatchEventType::kSuperseded);
  EXPECT_EQ(close.events[0].sequence, 2);
  EXPECT_EQ(close.events[1].sequence, 3);
}

TEST_P(FeedTest, InvalidDocumentsAreRejectedAndStoreNothing) {
  auto r = feed_->Ingest(Document{"", Language::kEnglish, "text", kT0, ""});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  r = feed_->Ingest(Document{"x", Language::kUnspecified, "text", kT0, ""});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  r = feed_->Ingest(Document{"x", Language::kEnglish, "bad \xFF utf8", kT0, ""});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(*feed_->store().DocumentCount(), 0);
}

TEST_P(FeedTest, SubscribersHearOfNewEvents) {
  int calls = 0;
  const int64_t id = feed_->Subscribe([&] { ++calls; });
  Ingest("en", Language::kEnglish, kEnglish);
  EXPECT_EQ(calls, 0);   // no event
  Ingest("fa", Language::kPersian, kPersianClose);
  EXPECT_EQ(calls, 1);
  feed_->Unsubscribe(id);
  Ingest("fa", Language::kPersian, kPersianLoose);
  EXPECT_EQ(calls, 1);
}

// Two replicas on one PostgreSQL store: each matches against what the
// other stored and supersedes what the other published, and each one's
// subscribers hear of the other's events.
TEST_P(FeedTest, TwoReplicasOnOneStoreMatchAsOne) {
  if (!postgres()) GTEST_SKIP() << "replicas share a PostgreSQL store";
  std::unique_ptr<LiveFeed> other = testing_feed::OpenTestFeed(engine_, location_);
  ASSERT_NE(other, nullptr);
  LiveFeed& a = *feed_;
  LiveFeed& b = *other;
  std::mutex mu;
  std::condition_variable cv;
  auto heard = [&] {
    std::lock_guard<std::mutex> lock(mu);
    cv.notify_all();
  };
  // Unsubscribed before mu and cv go, however the test ends.
  struct Subscription {
    LiveFeed& feed;
    int64_t id;
    ~Subscription() { feed.Unsubscribe(id); }
  };
  const Subscription a_sub{a, a.Subscribe(heard)}, b_sub{b, b.Subscribe(heard)};
  // Until `feed` has applied event `sequence`, woken by its subscribers.
  auto caught_up = [&](LiveFeed& feed, int64_t sequence) {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(10), [&] { return feed.last_sequence() >= sequence; });
  };

  IngestInto(a, "en-loose", Language::kEnglish, kEnglishLoose);
  // B has never seen en-loose: it catches up before matching.
  IngestResult fa = IngestInto(b, "fa", Language::kPersian, kPersianClose);
  ASSERT_EQ(fa.events.size(), 1u);
  EXPECT_EQ(fa.events[0].sequence, 1);
  EXPECT_EQ(fa.events[0].match.english_document, "en-loose");
  EXPECT_TRUE(caught_up(a, 1)) << "A's subscribers did not hear of B's event";
  // A supersedes the pair B published: its live pairs include B's.
  IngestResult en = IngestInto(a, "en", Language::kEnglish, kEnglish);
  ASSERT_EQ(en.events.size(), 2u);
  EXPECT_EQ(en.events[0].type, MatchEventType::kSuperseded);
  EXPECT_EQ(en.events[0].match.id, fa.events[0].match.id);
  EXPECT_EQ(en.events[1].sequence, 3);
  EXPECT_TRUE(caught_up(b, 3)) << "B's subscribers did not hear of A's events";
  // B knows A's better pair: a worse Persian counterpart does not take
  // "en" from "fa"; it pairs with the English statement left free.
  IngestResult late = IngestInto(b, "fa-loose", Language::kPersian, kPersianLoose);
  ASSERT_EQ(late.events.size(), 1u);
  EXPECT_EQ(late.events[0].type, MatchEventType::kAdded);
  EXPECT_EQ(late.events[0].match.english_document, "en-loose");
  EXPECT_EQ(late.events[0].sequence, 4);
  EXPECT_TRUE(caught_up(a, 4));
  EXPECT_EQ(a.statement_count(), b.statement_count());
  EXPECT_EQ(a.EventsAfter(0, 100)->size(), 4u);
}

INSTANTIATE_TEST_SUITE_P(Stores, FeedTest, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "Postgres" : "Sqlite";
                         });

}  // namespace
}  // namespace quotematch
