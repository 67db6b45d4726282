#include <string>

#include <gtest/gtest.h>

#include "base/strings.h"
#include "pipeline/engine.h"

namespace quotematch {
namespace {

Document En(std::string text, std::string id = "en1") {
  return {std::move(id), Language::kEnglish, std::move(text), std::nullopt, ""};
}
Document Fa(std::string text, std::string id = "fa1") {
  return {std::move(id), Language::kPersian, std::move(text), std::nullopt, ""};
}

const char kEn[] = "Karimi said: \"Iran respects the sovereignty of its neighbours.\"";
const char kFa[] = "کریمی گفت: «ایران به حاکمیت همسایگان خود احترام می‌گذارد.»";

TEST(EngineTest, BadInputsGiveCodesNamingTheField) {
  EngineOptions options;
  options.max_document_bytes = 200;
  Engine engine(options);
  struct Case {
    const char* name;
    Document english;
    Document persian;
    double min_score;
    absl::StatusCode code;
    const char* message;
  } cases[] = {
      {"empty text", En(""), Fa(kFa), 0, absl::StatusCode::kInvalidArgument,
       "english.text: must not be empty"},
      {"invalid utf8", En(kEn), Fa("ab\xC3"), 0, absl::StatusCode::kInvalidArgument,
       "persian.text: invalid UTF-8 at byte 2"},
      {"NUL in text", En(kEn), Fa(std::string("ab\0c", 4)), 0, absl::StatusCode::kInvalidArgument,
       "persian.text: NUL character (U+0000) at byte 2"},
      {"NUL in id", En(kEn, std::string("e\0", 2)), Fa(kFa), 0, absl::StatusCode::kInvalidArgument,
       "english.id: NUL character (U+0000)"},
      {"NUL in source", Document{"x", Language::kEnglish, kEn, std::nullopt, std::string("AP\0", 3)}, Fa(kFa), 0,
       absl::StatusCode::kInvalidArgument, "english.source: NUL character (U+0000)"},
      {"unspecified language", Document{"x", Language::kUnspecified, kEn, std::nullopt, ""}, Fa(kFa), 0,
       absl::StatusCode::kInvalidArgument, "english.language: must be LANGUAGE_ENGLISH"},
      {"swapped languages", Fa(kFa), En(kEn), 0, absl::StatusCode::kInvalidArgument,
       "english.language: must be LANGUAGE_ENGLISH"},
      {"empty id", En(kEn, ""), Fa(kFa), 0, absl::StatusCode::kInvalidArgument,
       "english.id: must not be empty"},
      {"oversize", En(std::string(300, 'a')), Fa(kFa), 0, absl::StatusCode::kResourceExhausted,
       "english.text: 300 bytes exceeds the limit of 200"},
      {"min score", En(kEn), Fa(kFa), 1.5, absl::StatusCode::kInvalidArgument,
       "min_score: must be in [0, 1], got 1.5"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = engine.Align(c.english, c.persian, c.min_score);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), c.code);
    EXPECT_EQ(std::string(AsStd(r.status().message())), c.message);
  }
  auto n = engine.Normalize("", Language::kEnglish, "text");
  EXPECT_EQ(n.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(EngineTest, AlignsAPair) {
  Engine engine;
  auto r = engine.Align(En(kEn), Fa(kFa), 0);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->pairs.size(), 1u);
  EXPECT_EQ(r->pairs[0].english.document_id, "en1");
  EXPECT_EQ(r->pairs[0].persian.document_id, "fa1");
  EXPECT_GE(r->pairs[0].score, 0.5);
  EXPECT_LE(r->pairs[0].score, 1.0);
  // A threshold above the score leaves both unmatched.
  auto strict = engine.Align(En(kEn), Fa(kFa), 0.99999);
  ASSERT_TRUE(strict.ok());
  EXPECT_TRUE(strict->pairs.empty());
  EXPECT_EQ(strict->unmatched_english.size(), 1u);
  EXPECT_EQ(strict->unmatched_persian.size(), 1u);
}

TEST(MatchSessionTest, PairsAppearWhenBothSidesExist) {
  Engine engine;
  MatchSession session(engine, 0.5);
  auto first = session.Add(En(kEn));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->statement_count, 1u);
  EXPECT_TRUE(first->new_pairs.empty());
  auto second = session.Add(Fa(kFa));
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->new_pairs.size(), 1u);
  EXPECT_EQ(second->new_pairs[0].english.id, "en1#0");
  // The same statement is not paired twice.
  auto third = session.Add(Fa(kFa, "fa2"));
  ASSERT_TRUE(third.ok());
  EXPECT_TRUE(third->new_pairs.empty());
  // Duplicate ids are refused; the session goes on.
  auto dup = session.Add(Fa(kFa, "fa2"));
  EXPECT_EQ(dup.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(session.document_count(), 3u);
}

}  // namespace
}  // namespace quotematch
