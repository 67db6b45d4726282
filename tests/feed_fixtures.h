// Shared by the store, feed and feed service tests: a temporary directory
// per test, and our own English–Persian sentence pairs that the feed
// matches (a name, a number and a place on both sides).
#pragma once

#include <unistd.h>

#include <filesystem>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

#include "feed/live_feed.h"
#include "quotematch/v1/quotematch.pb.h"
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

// A feed on a SQLite file at `path`, publishing pairs from score 0.3.
inline std::unique_ptr<LiveFeed> OpenTestFeed(const Engine& engine, const std::filesystem::path& path) {
  auto store = OpenSqliteStore(path.string());
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
