// Shared by the store, feed and feed service tests: a temporary directory
// per test, a fresh PostgreSQL database per test, and our own
// English–Persian sentence pairs that the feed matches (a name, a number
// and a place on both sides).
//
// PostgreSQL: tests on it use the server named by QM_TEST_POSTGRES (a libpq
// URL whose user may create databases; scripts/pg-throwaway starts one).
// Unset, they skip, unless QM_REQUIRE_POSTGRES=1, when they fail.
#pragma once

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "feed/live_feed.h"
#include "quotematch/v1/quotematch.pb.h"
#include "store/postgres_store.h"
#include "store/sqlite_store.h"

namespace quotematch::testing_feed {

// A fresh directory named after the running test, removed on destruction.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("qm_" + std::string(info ? info->test_suite_name() : "test") + "_" +
             std::string(info ? info->name() : "") + "_" + std::to_string(getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// QM_TEST_POSTGRES, if set and non-empty.
inline std::optional<std::string> TestPostgresUrl() {
  const char* url = std::getenv("QM_TEST_POSTGRES");
  if (url == nullptr || *url == '\0') return std::nullopt;
  return std::string(url);
}

inline bool PostgresRequired() {
  const char* v = std::getenv("QM_REQUIRE_POSTGRES");
  return v != nullptr && std::string(v) == "1";
}

// In a test body or SetUp: sets `url` to QM_TEST_POSTGRES, or skips the
// test (fails it when QM_REQUIRE_POSTGRES=1).
#define QM_POSTGRES_OR_SKIP(url)                                                              \
  std::string url;                                                                            \
  if (auto qm_url_ = ::quotematch::testing_feed::TestPostgresUrl()) {                         \
    url = *qm_url_;                                                                           \
  } else if (::quotematch::testing_feed::PostgresRequired()) {                                \
    FAIL() << "QM_REQUIRE_POSTGRES=1 but QM_TEST_POSTGRES is not set";                        \
  } else {                                                                                    \
    GTEST_SKIP() << "QM_TEST_POSTGRES is not set (a libpq URL; see scripts/pg-throwaway)";    \
  }

// Runs `sql` (no parameters) on the server at `url`; false on failure.
inline bool PostgresExec(const std::string& url, const std::string& sql) {
  PGconn* c = PQconnectdb(url.c_str());
  bool ok = PQstatus(c) == CONNECTION_OK;
  if (ok) {
    PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);   // "... does not exist, skipping"
    PGresult* r = PQexec(c, sql.c_str());
    ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    if (!ok) ADD_FAILURE() << sql << ": " << PQresultErrorMessage(r);
    PQclear(r);
  } else {
    ADD_FAILURE() << "cannot connect: " << PQerrorMessage(c);
  }
  PQfinish(c);
  return ok;
}

// A database of its own on the server at `server_url` (whose path names
// an existing database), created on construction and dropped (with any
// connections still open to it) on destruction.
class TestDatabase {
 public:
  explicit TestDatabase(const std::string& server_url) : server_url_(server_url) {
    static std::atomic<int> counter{0};
    name_ = "qm_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
    // The name is ours (letters, digits, underscores): safe as an identifier.
    PostgresExec(server_url_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    created_ = PostgresExec(server_url_, "CREATE DATABASE " + name_);
    const size_t slash = server_url_.find('/', server_url_.find("://") + 3);
    const size_t query = server_url_.find('?', slash);
    url_ = server_url_.substr(0, slash) + "/" + name_ +
           (query == std::string::npos ? "" : server_url_.substr(query));
  }
  ~TestDatabase() {
    if (created_) PostgresExec(server_url_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;
  bool ok() const { return created_; }
  const std::string& url() const { return url_; }

 private:
  std::string server_url_, name_, url_;
  bool created_ = false;
};

// In a test body or SetUp: sets `location` (a std::string) to the SQLite
// file `file`, or, when `postgres`, to a fresh database on QM_TEST_POSTGRES
// that `database` (a std::unique_ptr<TestDatabase>) keeps until it is
// reset; skips or fails as QM_POSTGRES_OR_SKIP does.
#define QM_TEST_STORE(postgres, file, database, location)                        \
  if (postgres) {                                                                \
    QM_POSTGRES_OR_SKIP(qm_server_);                                             \
    database = std::make_unique<::quotematch::testing_feed::TestDatabase>(qm_server_); \
    ASSERT_TRUE(database->ok());                                                 \
    location = database->url();                                                  \
  } else {                                                                       \
    location = std::filesystem::path(file).string();                             \
  }

// Where a test's store lives: a SQLite file path or a PostgreSQL URL.
inline absl::StatusOr<std::unique_ptr<Store>> OpenStoreAt(const std::string& location) {
  return IsPostgresUrl(location) ? OpenPostgresStore(location) : OpenSqliteStore(location);
}

// A feed on the store at `location` (a SQLite file or a PostgreSQL URL),
// publishing pairs from score 0.3.
inline std::unique_ptr<LiveFeed> OpenTestFeed(const Engine& engine, const std::string& location) {
  auto store = OpenStoreAt(location);
  EXPECT_TRUE(store.ok()) << store.status();
  if (!store.ok()) return nullptr;
  LiveFeedOptions options;
  options.min_score = 0.3;
  auto feed = LiveFeed::Open(engine, *std::move(store), options);
  EXPECT_TRUE(feed.ok()) << feed.status();
  return feed.ok() ? *std::move(feed) : nullptr;
}

struct Person {
  const char* en;
  const char* fa;
};
inline constexpr Person kPeople[] = {
    {"Ali Khan", "علی خان"},           {"Reza Amini", "رضا امینی"},       {"Hamid Karimi", "حمید کریمی"},
    {"Sara Ahmadi", "سارا احمدی"},     {"Maryam Hosseini", "مریم حسینی"}, {"Nasser Kanani", "ناصر کنعانی"},
    {"Kamran Rostami", "کامران رستمی"}, {"Leila Navabi", "لیلا نوابی"},    {"Omid Tehrani", "امید تهرانی"},
    {"Farid Zamani", "فرید زمانی"},
};

// Pair i: an English report ("en-i") and its Persian original ("fa-i"),
// published ten minutes after pair i - 1.
inline v1::Document PairDocument(int i, bool persian) {
  const Person& p = kPeople[i % std::size(kPeople)];
  const std::string n = std::to_string(100 + i);
  v1::Document d;
  d.mutable_published_time()->set_seconds(1700000000 + int64_t{i} * 600);
  d.set_source("test");
  if (!persian) {
    d.set_id("en-" + std::to_string(i));
    d.set_language(v1::LANGUAGE_ENGLISH);
    d.set_text(std::string(p.en) + " said: “" + n +
               " trucks crossed the border at Taftan on Friday and the crossing will stay open.”");
  } else {
    d.set_id("fa-" + std::to_string(i));
    d.set_language(v1::LANGUAGE_PERSIAN);
    d.set_text(std::string(p.fa) + " گفت: «" + n + " کامیون روز جمعه از مرز تفتان عبور کردند و این گذرگاه باز می‌ماند.»");
  }
  return d;
}

}  // namespace quotematch::testing_feed
