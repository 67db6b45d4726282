// The sample articles of examples/ align to the pairs stated in
// examples/border_talks.expected.tsv.
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "base/file.h"
#include "base/strings.h"
#include "base/tsv.h"
#include "pipeline/engine.h"

namespace quotematch {
namespace {

std::string Read(const std::string& path) {
  std::string text;
  EXPECT_TRUE(ReadFileToString(path, &text)) << path;
  return text;
}

// The content of `s`'s statement starting with `prefix` (ZWNJ-insensitive
// prefixes are not needed: the expected file is written like the samples).
bool StartsWithPrefix(const Statement& s, std::string_view prefix) {
  return StartsWith(s.content, prefix);
}

TEST(ExamplesTest, BorderTalksAlignAsExpected) {
  const std::string dir = std::string(QM_SOURCE_DIR) + "/examples/";
  Document en{"border_talks.en.txt", Language::kEnglish, Read(dir + "border_talks.en.txt"), std::nullopt, ""};
  Document fa{"border_talks.fa.txt", Language::kPersian, Read(dir + "border_talks.fa.txt"), std::nullopt, ""};
  ASSERT_FALSE(en.text.empty());
  ASSERT_FALSE(fa.text.empty());

  std::vector<std::pair<std::string, std::string>> pairs;
  std::vector<std::string> unmatched_en, unmatched_fa;
  absl::Status st = ForEachTsvRecord(Read(dir + "border_talks.expected.tsv"), "expected.tsv", 2, 3,
                                     [&](const TsvRecord& r) {
    if (r.fields[0] == "PAIR" && r.fields.size() == 3) {
      pairs.emplace_back(r.fields[1], r.fields[2]);
    } else if (r.fields[0] == "UNMATCHED_EN") {
      unmatched_en.emplace_back(r.fields[1]);
    } else if (r.fields[0] == "UNMATCHED_FA") {
      unmatched_fa.emplace_back(r.fields[1]);
    } else {
      return r.Error("unknown record");
    }
    return absl::OkStatus();
  });
  ASSERT_TRUE(st.ok()) << st;
  ASSERT_GE(pairs.size(), 6u);
  ASSERT_GE(unmatched_en.size() + unmatched_fa.size(), 2u);

  Engine engine;
  auto result = engine.Align(en, fa, 0);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->pairs.size(), pairs.size());
  for (const auto& [en_prefix, fa_prefix] : pairs) {
    SCOPED_TRACE(en_prefix);
    bool found = false;
    for (const PairResult& p : result->pairs) {
      if (StartsWithPrefix(p.english, en_prefix)) {
        found = true;
        EXPECT_TRUE(StartsWithPrefix(p.persian, fa_prefix)) << "paired with " << p.persian.content;
        EXPECT_FALSE(p.evidence.empty());
      }
    }
    EXPECT_TRUE(found) << "no pair for this English statement";
  }
  auto contains = [](const std::vector<Statement>& v, const std::string& prefix) {
    for (const Statement& s : v) {
      if (StartsWithPrefix(s, prefix)) return true;
    }
    return false;
  };
  for (const auto& p : unmatched_en) EXPECT_TRUE(contains(result->unmatched_english, p)) << p;
  for (const auto& p : unmatched_fa) EXPECT_TRUE(contains(result->unmatched_persian, p)) << p;
}

// The evidence of every pair, item by item (examples/border_talks.evidence.tsv).
TEST(ExamplesTest, BorderTalksEvidenceAsExpected) {
  const std::string dir = std::string(QM_SOURCE_DIR) + "/examples/";
  Document en{"border_talks.en.txt", Language::kEnglish, Read(dir + "border_talks.en.txt"), std::nullopt, ""};
  Document fa{"border_talks.fa.txt", Language::kPersian, Read(dir + "border_talks.fa.txt"), std::nullopt, ""};
  std::multiset<std::string> want, got;
  absl::Status st = ForEachTsvRecord(Read(dir + "border_talks.evidence.tsv"), "evidence.tsv", 5, 5,
                                     [&](const TsvRecord& r) {
    if (r.fields[0] != "EVIDENCE") return r.Error("unknown record");
    want.insert(StrCat(r.fields[1], " | ", r.fields[2], " | ", r.fields[3], " | ", r.fields[4]));
    return absl::OkStatus();
  });
  ASSERT_TRUE(st.ok()) << st;
  ASSERT_GE(want.size(), 30u);
  Engine engine;
  auto result = engine.Align(en, fa, 0);
  ASSERT_TRUE(result.ok()) << result.status();
  constexpr const char* kKinds[] = {"", "lexical", "name", "number", "speaker", "date"};
  for (const PairResult& p : result->pairs) {
    const std::string prefix(StripTrailing(std::string_view(p.english.content).substr(0, 40)));  // as the TSV reads it
    for (const Evidence& e : p.evidence) {
      got.insert(StrCat(prefix, " | ", kKinds[static_cast<int>(e.kind)], " | ", e.english_term, " | ", e.persian_term));
      // Spans point at the terms in the originals.
      EXPECT_EQ(en.text.substr(e.english_span.begin, e.english_span.size()), e.english_term);
      EXPECT_EQ(fa.text.substr(e.persian_span.begin, e.persian_span.size()), e.persian_term);
    }
  }
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace quotematch
