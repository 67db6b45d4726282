#include "store/sqlite_store.h"

#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "tests/feed_fixtures.h"

#include "pipeline/engine.h"

namespace quotematch {
namespace {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (dir_ / "q.db").string();
    auto s = OpenSqliteStore(path_);
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
  }
  void TearDown() override { store_.reset(); }

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
  std::string path_;
  std::unique_ptr<Store> store_;
  Engine engine_;
};

TEST_F(StoreTest, DocumentsAndStatementsRoundTrip) {
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

TEST_F(StoreTest, SameContentIsANoOpNewContentReplacesAndRetracts) {
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

TEST_F(StoreTest, EventsAreASequenceWithNoGapsAndSurviveReopening) {
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

  store_.reset();
  auto reopened = OpenSqliteStore(path_);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  store_ = *std::move(reopened);
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

TEST_F(StoreTest, ANewerSchemaIsRefused) {
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE schema_version SET version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto s = OpenSqliteStore(path_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(s.status().message()).find("99"), std::string::npos);
}

TEST_F(StoreTest, AnUnopenablePathIsUnavailable) {
  auto s = OpenSqliteStore((dir_ / "no" / "such" / "dir" / "q.db").string());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace quotematch
