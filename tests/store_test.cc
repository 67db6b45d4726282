// Every test runs on both stores: SQLite (a file per test) and PostgreSQL
// (a database per test on QM_TEST_POSTGRES; skipped when unset, see
// tests/feed_fixtures.h).
#include "store/sqlite_store.h"

#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>
#include <string>

#include <gtest/gtest.h>

#include "tests/feed_fixtures.h"

#include "pipeline/engine.h"
#include "store/postgres_store.h"

namespace quotematch {
namespace {

enum class Backend { kSqlite, kPostgres };

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
}

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    QM_TEST_STORE(GetParam() == Backend::kPostgres, dir_ / "q.db", database_, path_);
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    database_.reset();
  }
  void Reopen() {
    store_.reset();
    auto s = testing_feed::OpenStoreAt(path_);
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
  }
  absl::Status OpenAgain() { return testing_feed::OpenStoreAt(path_).status(); }
  // Runs SQL on the store's database behind its back.
  void Exec(const std::string& sql) {
    if (GetParam() == Backend::kPostgres) {
      ASSERT_TRUE(testing_feed::PostgresExec(path_, sql));
      return;
    }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    EXPECT_EQ(rc, SQLITE_OK) << sql << ": " << (err ? err : "");
    sqlite3_free(err);
    sqlite3_close(db);
  }

  // A document and its statements, as the engine extracts them.
  std::pair<Document, std::vector<Statement>> Doc(const std::string& id, Language lang, const std::string& text) {
    Document d{id, lang, text, 1700000000, "test"};
    auto st = engine_.Extract(d);
    EXPECT_TRUE(st.ok()) << st.status();
    return {d, st.ok() ? *st : std::vector<Statement>{}};
  }

  Match MatchOf(const Statement& en, const Statement& fa, double score) {
    Match m;
    m.english_statement = en.id;
    m.persian_statement = fa.id;
    m.english_document = en.document_id;
    m.persian_document = fa.document_id;
    m.score = score;
    m.speaker = en.speaker;
    m.new_side = Language::kPersian;
    return m;
  }

  testing_feed::TempDir temp_;
  const std::filesystem::path& dir_ = temp_.path();
  std::unique_ptr<testing_feed::TestDatabase> database_;
  std::string path_;   // SQLite file or PostgreSQL URL
  std::unique_ptr<Store> store_;
  Engine engine_;
};

TEST_P(StoreTest, DocumentsAndStatementsRoundTrip) {
  auto [doc, statements] =
      Doc("en1", Language::kEnglish, "“We will reopen the border on Friday,” Foreign Minister Ali Khan said.");
  ASSERT_EQ(statements.size(), 1u);
  auto put = store_->PutDocument(doc, statements);
  ASSERT_TRUE(put.ok()) << put.status();
  EXPECT_EQ(put->result, PutResult::kNew);
  auto got = store_->GetDocument("en1");
  ASSERT_TRUE(got.ok() && got->has_value());
  const StoredDocument& d = **got;
  EXPECT_EQ(d.document.text, doc.text);
  EXPECT_EQ(d.document.published_unix_seconds, doc.published_unix_seconds);
  EXPECT_EQ(d.version, 1);
  EXPECT_FALSE(d.matched);
  ASSERT_EQ(d.statements.size(), 1u);
  const Statement& a = statements[0];
  const Statement& b = d.statements[0];
  EXPECT_EQ(b.id, a.id);
  EXPECT_EQ(b.content, a.content);
  EXPECT_EQ(b.content_span.begin, a.content_span.begin);
  EXPECT_EQ(b.speaker, a.speaker);
  EXPECT_EQ(b.speaker_role, a.speaker_role);
  EXPECT_EQ(b.speaker_name_span.has_value(), a.speaker_name_span.has_value());
  EXPECT_EQ(b.cue_lemma, a.cue_lemma);
  EXPECT_EQ(b.kind, a.kind);
  EXPECT_EQ(*store_->StatementCount(), 1);
  EXPECT_FALSE(store_->GetDocument("nope")->has_value());
}

// Long articles: statements are stored in batches (PostgreSQL: a few hundred
// rows per INSERT); every one comes back, in order, with its fields.
TEST_P(StoreTest, AnArticleOfManyStatementsRoundTripsInOrder) {
  std::string text;
  for (int i = 0; i < 450; ++i) text += StrCat("“Item ", i, " is ready,” Minister Ali Khan said. ");
  Engine big([] {
    EngineOptions o;
    o.max_document_bytes = 1 << 22;
    return o;
  }());
  Document doc{"long", Language::kEnglish, text, 1700000000, "test"};
  auto statements = big.Extract(doc);
  ASSERT_TRUE(statements.ok()) << statements.status();
  ASSERT_EQ(statements->size(), 450u);
  ASSERT_TRUE(store_->PutDocument(doc, *statements).ok());
  auto got = store_->GetDocument("long");
  ASSERT_TRUE(got.ok() && got->has_value());
  ASSERT_EQ((*got)->statements.size(), 450u);
  for (size_t i = 0; i < 450; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ((*got)->statements[i].id, (*statements)[i].id);
    EXPECT_EQ((*got)->statements[i].content, (*statements)[i].content);
    EXPECT_EQ((*got)->statements[i].content_span.begin, (*statements)[i].content_span.begin);
  }
  EXPECT_EQ(*store_->StatementCount(), 450);
}

TEST_P(StoreTest, SameContentIsANoOpNewContentReplacesAndRetracts) {
  auto [en, en_st] = Doc("en1", Language::kEnglish, "Ali Khan said: “The border crossing will reopen on Friday.”");
  auto [fa, fa_st] = Doc("fa1", Language::kPersian, "علی خان گفت: «گذرگاه مرزی جمعه بازگشایی می‌شود.»");
  ASSERT_TRUE(store_->PutDocument(en, en_st).ok());
  ASSERT_TRUE(store_->PutDocument(fa, fa_st).ok());
  auto added = store_->Record("fa1", {{MatchEventType::kAdded, MatchOf(en_st[0], fa_st[0], 0.9)}});
  ASSERT_TRUE(added.ok()) << added.status();
  ASSERT_EQ(added->size(), 1u);
  EXPECT_EQ((*added)[0].sequence, 1);
  EXPECT_GT((*added)[0].match.id, 0);
  EXPECT_TRUE(store_->GetDocument("fa1").value()->matched);

  auto same = store_->PutDocument(fa, fa_st);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->result, PutResult::kUnchanged);
  EXPECT_EQ(*store_->LastSequence(), 1);

  auto [fa2, fa2_st] = Doc("fa1", Language::kPersian, "علی خان گفت: «گذرگاه مرزی شنبه بازگشایی می‌شود.»");
  auto replaced = store_->PutDocument(fa2, fa2_st);
  ASSERT_TRUE(replaced.ok());
  EXPECT_EQ(replaced->result, PutResult::kReplaced);
  EXPECT_EQ(replaced->version, 2);
  ASSERT_EQ(replaced->retracted.size(), 1u);
  EXPECT_EQ(replaced->retracted[0].type, MatchEventType::kRetracted);
  EXPECT_EQ(replaced->retracted[0].match.id, (*added)[0].match.id);
  EXPECT_TRUE(store_->LiveMatches()->empty());
  EXPECT_FALSE(store_->GetDocument("fa1").value()->matched);   // the new version awaits matching
  EXPECT_EQ(store_->GetDocument("fa1").value()->document.text, fa2.text);
}

TEST_P(StoreTest, EventsAreASequenceWithNoGapsAndSurviveReopening) {
  auto [en, en_st] = Doc("en1", Language::kEnglish, "Ali Khan said: “The border crossing will reopen on Friday.”");
  auto [fa, fa_st] = Doc("fa1", Language::kPersian, "علی خان گفت: «گذرگاه مرزی جمعه بازگشایی می‌شود.»");
  ASSERT_TRUE(store_->PutDocument(en, en_st).ok());
  ASSERT_TRUE(store_->PutDocument(fa, fa_st).ok());
  auto a = store_->Record("fa1", {{MatchEventType::kAdded, MatchOf(en_st[0], fa_st[0], 0.7)}});
  ASSERT_TRUE(a.ok());
  Match old = (*a)[0].match;
  auto b = store_->Record("fa1", {{MatchEventType::kSuperseded, old},
                                  {MatchEventType::kAdded, MatchOf(en_st[0], fa_st[0], 0.8)}});
  ASSERT_TRUE(b.ok()) << b.status();
  // Ending a match twice is refused and records nothing.
  auto again = store_->Record("fa1", {{MatchEventType::kSuperseded, old}});
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);

  Reopen();
  auto events = store_->EventsAfter(0, 100);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 3u);
  for (size_t i = 0; i < events->size(); ++i) EXPECT_EQ((*events)[i].sequence, static_cast<int64_t>(i + 1));
  EXPECT_EQ((*events)[1].type, MatchEventType::kSuperseded);
  EXPECT_EQ((*events)[1].match.id, old.id);
  EXPECT_EQ(store_->EventsAfter(2, 100)->size(), 1u);
  EXPECT_EQ(store_->EventsAfter(0, 2)->size(), 2u);
  ASSERT_EQ(store_->LiveMatches()->size(), 1u);
  EXPECT_DOUBLE_EQ(store_->LiveMatches()->front().score, 0.8);
  EXPECT_EQ(*store_->DocumentCount(), 2);
  size_t seen = 0;
  ASSERT_TRUE(store_->ForEachDocument([&](StoredDocument d) {
                      ++seen;
                      EXPECT_FALSE(d.statements.empty());
                      return absl::OkStatus();
                    }).ok());
  EXPECT_EQ(seen, 2u);
}

TEST_P(StoreTest, DocumentsChangedAfterFollowsEveryNewVersionInOrder) {
  auto [a, a_st] = Doc("a", Language::kEnglish, "Ali Khan said: “The border crossing will reopen on Friday.”");
  auto [b, b_st] = Doc("b", Language::kPersian, "علی خان گفت: «گذرگاه مرزی جمعه بازگشایی می‌شود.»");
  ASSERT_TRUE(store_->PutDocument(a, a_st).ok());
  ASSERT_TRUE(store_->PutDocument(b, b_st).ok());
  auto all = store_->DocumentsChangedAfter(0, 10);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].document.id, "a");
  EXPECT_EQ((*all)[1].document.id, "b");
  EXPECT_LT((*all)[0].order, (*all)[1].order);
  EXPECT_EQ((*all)[0].statements.size(), a_st.size());
  const int64_t cursor = (*all)[1].order;
  EXPECT_TRUE(store_->DocumentsChangedAfter(cursor, 10)->empty());
  ASSERT_TRUE(store_->PutDocument(a, a_st).ok());   // unchanged: not a new version
  EXPECT_TRUE(store_->DocumentsChangedAfter(cursor, 10)->empty());
  a.text += " More.";
  ASSERT_EQ(store_->PutDocument(a, a_st)->result, PutResult::kReplaced);
  auto changed = store_->DocumentsChangedAfter(cursor, 10);
  ASSERT_TRUE(changed.ok());
  ASSERT_EQ(changed->size(), 1u);
  EXPECT_EQ((*changed)[0].document.id, "a");
  EXPECT_EQ((*changed)[0].version, 2);
  EXPECT_EQ(store_->DocumentsChangedAfter(0, 1)->size(), 1u);
  // ForEachDocument keeps first-stored order.
  std::vector<std::string> ids;
  ASSERT_TRUE(store_->ForEachDocument([&](StoredDocument d) {
                      ids.push_back(d.document.id);
                      return absl::OkStatus();
                    }).ok());
  EXPECT_EQ(ids, (std::vector<std::string>{"a", "b"}));
}

TEST_P(StoreTest, TheMatchingLockIsHeldByOneHolderAtATime) {
  auto first = store_->LockMatching();
  ASSERT_TRUE(first.ok()) << first.status();
  if (GetParam() == Backend::kPostgres) {
    // Another process's store (another replica) waits until it is released.
    auto other = testing_feed::OpenStoreAt(path_);
    ASSERT_TRUE(other.ok()) << other.status();
    std::atomic<bool> taken{false};
    std::thread waiter([&] {
      auto second = (*other)->LockMatching();
      EXPECT_TRUE(second.ok()) << second.status();
      taken = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_FALSE(taken);
    first->reset();
    waiter.join();
    EXPECT_TRUE(taken);
  }
}

// Should the lock be lost while held (its connection dropped and another
// replica took it), the holder's next Record is refused, not published.
TEST_P(StoreTest, RecordsUnderALostMatchingLockAreRefused) {
  if (GetParam() == Backend::kSqlite) GTEST_SKIP() << "one process: the lock is the feed's own mutex";
  auto [en, en_st] = Doc("en1", Language::kEnglish, "Ali Khan said: “The border crossing will reopen on Friday.”");
  auto [fa, fa_st] = Doc("fa1", Language::kPersian, "علی خان گفت: «گذرگاه مرزی جمعه بازگشایی می‌شود.»");
  ASSERT_TRUE(store_->PutDocument(en, en_st).ok());
  ASSERT_TRUE(store_->PutDocument(fa, fa_st).ok());
  auto lock = store_->LockMatching();
  ASSERT_TRUE(lock.ok()) << lock.status();
  // Under the lock, one's own events move the fence along.
  auto first = store_->Record("fa1", {{MatchEventType::kAdded, MatchOf(en_st[0], fa_st[0], 0.7)}});
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = store_->Record("fa1", {{MatchEventType::kSuperseded, (*first)[0].match},
                                       {MatchEventType::kAdded, MatchOf(en_st[0], fa_st[0], 0.8)}});
  ASSERT_TRUE(second.ok()) << second.status();
  // Another writer records (as a replica would that took the lost lock).
  auto other = testing_feed::OpenStoreAt(path_);
  ASSERT_TRUE(other.ok()) << other.status();
  ASSERT_TRUE((*other)->Record("fa1", {{MatchEventType::kSuperseded, (*second)[1].match}}).ok());
  auto stale = store_->Record("fa1", {{MatchEventType::kAdded, MatchOf(en_st[0], fa_st[0], 0.9)}});
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted) << stale.status();
  EXPECT_EQ(*store_->LastSequence(), 4);
  EXPECT_TRUE(store_->LiveMatches()->empty());
  // A new lock starts from the current counter.
  lock->reset();
  auto again = store_->LockMatching();
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(store_->Record("fa1", {{MatchEventType::kAdded, MatchOf(en_st[0], fa_st[0], 0.9)}}).ok());
}

TEST_P(StoreTest, ListenersHearOfOtherWritersCommits) {
  if (GetParam() == Backend::kSqlite) {
    EXPECT_TRUE(store_->Listen([] {}).ok());   // one process: nothing to hear
    return;
  }
  std::mutex mu;
  std::condition_variable cv;
  int heard = 0;
  ASSERT_TRUE(store_->Listen([&] {
                      std::lock_guard<std::mutex> lock(mu);
                      ++heard;
                      cv.notify_all();
                    }).ok());
  auto other = testing_feed::OpenStoreAt(path_);
  ASSERT_TRUE(other.ok()) << other.status();
  auto [en, en_st] = Doc("en1", Language::kEnglish, "Ali Khan said: “The border crossing will reopen on Friday.”");
  ASSERT_TRUE((*other)->PutDocument(en, en_st).ok());
  ASSERT_TRUE((*other)->Record("en1", {}).ok());
  auto heard_more_than = [&](int n) {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(10), [&] { return heard > n; });
  };
  EXPECT_TRUE(heard_more_than(0));
  // The server drops every connection (a restart, a failover): the next
  // calls reconnect, and so does the listener.
  Exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND "
       "pid <> pg_backend_pid()");
  const int before = [&] {
    std::lock_guard<std::mutex> lock(mu);
    return heard;
  }();
  auto again = (*other)->Record("en1", {});
  EXPECT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(heard_more_than(before));
  EXPECT_TRUE(store_->DocumentCount().ok());
  EXPECT_TRUE(store_->Listen({}).ok());   // stops; the destructor would too
}

TEST_P(StoreTest, ANewerSchemaIsRefused) {
  store_.reset();
  Exec("UPDATE schema_version SET version = 99");
  const absl::Status st = OpenAgain();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(st.message()).find("99"), std::string::npos);
}

TEST(PostgresStoreTest, APasswordInsideTheMaskIsMaskedOnce) {
  auto s = OpenPostgresStore("postgresql://qm:*@127.0.0.1:1/nowhere");   // returns: the mask's '*' is not rescanned
  EXPECT_EQ(s.status().code(), absl::StatusCode::kUnavailable);
}

TEST_P(StoreTest, AnUnreachableStoreIsUnavailableAndItsPasswordIsNotShown) {
  const std::string where = GetParam() == Backend::kSqlite ? (dir_ / "no" / "such" / "dir" / "q.db").string()
                                                           : "postgresql://qm:s3cr%65t@127.0.0.1:1/nowhere";
  auto s = testing_feed::OpenStoreAt(where);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(std::string(s.status().message()).find("s3cr"), std::string::npos) << s.status();
}

// Opening a version-1 file (before the store order) migrates it: every
// document keeps its first-stored order as its store order.
TEST(SqliteStoreTest, AVersionOneFileIsMigrated) {
  testing_feed::TempDir temp;
  const std::string path = (temp.path() / "q.db").string();
  Engine engine;
  {
    auto s = OpenSqliteStore(path);
    ASSERT_TRUE(s.ok()) << s.status();
    for (const char* id : {"a", "b"}) {
      Document d{id, Language::kEnglish, "Ali Khan said: “The crossing will reopen.”", 1700000000, "test"};
      ASSERT_TRUE((*s)->PutDocument(d, *engine.Extract(d)).ok());
    }
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "DROP INDEX documents_by_change; ALTER TABLE documents DROP COLUMN change_order; "
                         "UPDATE schema_version SET version = 1",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto s = OpenSqliteStore(path);
  ASSERT_TRUE(s.ok()) << s.status();
  auto docs = (*s)->DocumentsChangedAfter(0, 10);
  ASSERT_TRUE(docs.ok()) << docs.status();
  ASSERT_EQ(docs->size(), 2u);
  EXPECT_EQ((*docs)[0].order, 1);
  EXPECT_EQ((*docs)[1].order, 2);
  Document c{"c", Language::kEnglish, "Ali Khan said: “The crossing will reopen.”", 1700000000, "test"};
  ASSERT_TRUE((*s)->PutDocument(c, *engine.Extract(c)).ok());
  EXPECT_EQ((*s)->DocumentsChangedAfter(2, 10)->size(), 1u);
}

TEST(PostgresUrlTest, PasswordsAreRedacted) {
  const struct {
    const char* url;
    const char* redacted;
  } kCases[] = {
      {"postgresql://qm@db:5432/feed", "postgresql://qm@db:5432/feed"},
      {"postgresql://qm:secret@db:5432/feed", "postgresql://qm:***@db:5432/feed"},
      {"postgres://qm:p%40ss@db/feed?sslmode=require", "postgres://qm:***@db/feed?sslmode=require"},
      {"postgresql://db/feed?user=qm&password=secret&sslmode=require",
       "postgresql://db/feed?user=qm&password=***&sslmode=require"},
      {"postgresql://db:5432", "postgresql://db:5432"},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.url);
    EXPECT_EQ(RedactPostgresUrl(c.url), c.redacted);
    EXPECT_TRUE(IsPostgresUrl(c.url));
  }
  EXPECT_FALSE(IsPostgresUrl("quotematch.db"));
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres), BackendName);

}  // namespace
}  // namespace quotematch
