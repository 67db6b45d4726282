#include <string>

#include <gtest/gtest.h>

#include "base/file.h"
#include "base/strings.h"
#include "base/tsv.h"
#include "base/utf8.h"

namespace quotematch {
namespace {

TEST(Utf8Test, FirstInvalid) {
  struct Case {
    std::string text;
    size_t bad;
  } cases[] = {
      {"", std::string::npos},
      {"hello", std::string::npos},
      {"سلام", std::string::npos},
      {"a\xFF", 1},
      {"\xC3", 0},                  // truncated
      {"\xC0\x80", 0},              // overlong NUL
      {"\xED\xA0\x80", 0},          // surrogate
      {"\xF4\x90\x80\x80", 0},      // above U+10FFFF
      {"ok\xE2\x82", 2},            // truncated 3-byte
      {"\xF0\x9F\x98\x80", std::string::npos},  // emoji
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(FirstInvalidUtf8(c.text), c.bad);
  }
}

TEST(Utf8Test, DecodeEncodeRoundTrip) {
  for (char32_t c : {U'a', U'ی', U'\u200C', U'😀', U'\u00AB'}) {
    std::string s;
    AppendUtf8(c, &s);
    size_t pos = 0;
    EXPECT_EQ(DecodeUtf8(s, &pos), c);
    EXPECT_EQ(pos, s.size());
  }
  size_t pos = 0;
  EXPECT_EQ(DecodeUtf8("\xFF", &pos), U'\uFFFD');
  EXPECT_EQ(pos, 1u);
}

TEST(Utf8Test, ParseCodePoint) {
  char32_t c;
  EXPECT_TRUE(ParseCodePoint("U+064A", &c));
  EXPECT_EQ(c, 0x64Au);
  EXPECT_FALSE(ParseCodePoint("U+D800", &c));
  EXPECT_FALSE(ParseCodePoint("U+12G", &c));
  EXPECT_FALSE(ParseCodePoint("", &c));
}

TEST(TsvTest, ReadsRecordsAndNamesErrors) {
  std::vector<std::string> seen;
  absl::Status ok = ForEachTsvRecord("# header\na\tb  # comment\n\nc\td\n", "f.tsv", 2, 2,
                                     [&](const TsvRecord& r) {
                                       seen.push_back(StrCat(r.fields[0], r.fields[1]));
                                       return absl::OkStatus();
                                     });
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"ab", "cd"}));

  absl::Status bad = ForEachTsvRecord("a\tb\nc\n", "f.tsv", 2, 2,
                                      [](const TsvRecord&) { return absl::OkStatus(); });
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(AsStd(bad.message())), "f.tsv:2: expected 2 fields, got 1");

  absl::Status empty = ForEachTsvRecord(" \tb\n", "g.tsv", 2, 2,
                                        [](const TsvRecord&) { return absl::OkStatus(); });
  EXPECT_EQ(std::string(AsStd(empty.message())), "g.tsv:1: field 1 is empty");
}

TEST(FileTest, ReadsWholeFilesAndReportsMissingOnes) {
  std::string text;
  EXPECT_TRUE(ReadFileToString(std::string(QM_SOURCE_DIR) + "/examples/border_talks.fa.txt", &text));
  EXPECT_GT(text.size(), 1000u);
  EXPECT_FALSE(ReadFileToString(std::string(QM_SOURCE_DIR) + "/no/such/file", &text));
  EXPECT_TRUE(text.empty());
}

TEST(StringsTest, SplitStripJoin) {
  EXPECT_EQ(Split("a,b,,c", ',').size(), 4u);
  EXPECT_EQ(Split("a,b,,c", ',', true).size(), 3u);
  EXPECT_EQ(Strip("  x \n"), "x");
  EXPECT_EQ(StrJoin({"a", "b"}, "-"), "a-b");
  double d;
  EXPECT_TRUE(ParseDouble("0.25", &d));
  EXPECT_EQ(d, 0.25);
  EXPECT_FALSE(ParseDouble("0.25x", &d));
  EXPECT_EQ(StrCat("n=", 3, " x=", 0.5), "n=3 x=0.5");
}

}  // namespace
}  // namespace quotematch
