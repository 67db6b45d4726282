#include <cstdio>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "base/file.h"
#include "base/strings.h"
#include "extract/extractor.h"
#include "normalize/normalizer.h"

namespace quotematch {
namespace {

std::vector<Statement> ExtractText(const std::string& text, Language lang) {
  Document doc{"d", lang, text, std::nullopt, ""};
  auto norm = Normalizer::Default().Normalize(doc.text, lang);
  EXPECT_TRUE(norm.ok());
  return Extractor::Default().Extract(doc, *norm);
}

std::string Slice(const std::string& text, Span s) { return text.substr(s.begin, s.size()); }

// Content compares without the punctuation and spaces at either end.
std::string TrimEnds(std::string_view s) {
  auto edge = [](std::string_view x, bool front) {
    static const std::string_view kMarks[] = {".", ",", ":", ";", "!", "?", " ", "\n", "\xD8\x8C", "\xD8\x9B",
                                              "\xD8\x9F", "\"", "\xC2\xAB", "\xC2\xBB", "\xE2\x80\x9C",
                                              "\xE2\x80\x9D", "'", "-", "\xE2\x80\x94"};
    for (std::string_view m : kMarks) {
      if (front ? x.starts_with(m) : x.ends_with(m)) return m.size();
    }
    return size_t{0};
  };
  for (size_t n; (n = edge(s, true)) > 0;) s.remove_prefix(n);
  for (size_t n; (n = edge(s, false)) > 0;) s.remove_suffix(n);
  return std::string(s);
}

std::string Unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == 'n') {
      out += '\n';
      ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

struct ExpectedStatement {
  std::string kind, speaker, role;
  std::vector<std::string> parts;
};
struct TableCase {
  std::string id, pattern, text;
  Language lang;
  std::vector<ExpectedStatement> statements;
};

std::vector<TableCase> ReadCases() {
  std::string tsv;
  EXPECT_TRUE(ReadFileToString(std::string(QM_SOURCE_DIR) + "/tests/data/extract_cases.tsv", &tsv));
  std::vector<TableCase> cases;
  for (const std::string& line : StrSplit(tsv, "\n")) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f = StrSplit(line, "\t");
    if (f[0] == "CASE" && f.size() == 5) {
      cases.push_back({f[1], f[3], Unescape(f[4]), f[2] == "fa" ? Language::kPersian : Language::kEnglish, {}});
    } else if (f[0] == "STMT" && f.size() == 5 && !cases.empty()) {
      ExpectedStatement e{f[1], f[2], f[3], {}};
      for (const std::string& p : StrSplit(f[4], " ||| ")) e.parts.push_back(TrimEnds(Unescape(p)));
      cases.back().statements.push_back(std::move(e));
    } else {
      ADD_FAILURE() << "bad line: " << line;
    }
  }
  return cases;
}

// What a case got wrong, or "" when all is right.
std::string Check(const TableCase& c, const std::vector<Statement>& got) {
  std::string why;
  if (got.size() != c.statements.size()) {
    why += "expected " + std::to_string(c.statements.size()) + " statements, got " + std::to_string(got.size()) + "\n";
  }
  for (size_t i = 0; i < std::max(got.size(), c.statements.size()); ++i) {
    if (i >= got.size()) {
      why += "  missing: " + c.statements[i].parts[0] + "\n";
      continue;
    }
    const Statement& g = got[i];
    std::vector<std::string> parts;
    if (g.content_parts.empty()) parts.push_back(TrimEnds(Slice(c.text, g.content_span)));
    for (const Span& p : g.content_parts) parts.push_back(TrimEnds(Slice(c.text, p)));
    const std::string desc = std::string(StatementKindName(g.kind)) + " | " + (g.speaker.empty() ? "-" : g.speaker) + " | " +
                             (g.speaker_role.empty() ? "-" : g.speaker_role) + " | " + StrJoin(parts, " ||| ");
    if (i >= c.statements.size()) {
      why += "  extra: " + desc + "\n";
      continue;
    }
    const ExpectedStatement& e = c.statements[i];
    const bool ok = e.kind == StatementKindName(g.kind) && parts == e.parts &&
                    NameKey(e.speaker, c.lang) == NameKey(g.speaker, c.lang) &&
                    (e.role == "*" || NameKey(e.role, c.lang) == NameKey(g.speaker_role, c.lang));
    if (!ok) {
      why += "  want: " + e.kind + " | " + e.speaker + " | " + e.role + " | " + StrJoin(e.parts, " ||| ") + "\n";
      why += "  got:  " + desc + "\n";
    }
  }
  return why;
}

// Every pattern of the extraction issue, from tests/data/extract_cases.tsv:
// all statements with kind, content, speaker and (where given) role.
TEST(ExtractorTest, Table) {
  const std::vector<TableCase> cases = ReadCases();
  ASSERT_GE(cases.size(), 100u);
  std::map<std::string, int> per_pattern, failed_per_pattern;
  int failed = 0;
  for (const TableCase& c : cases) {
    ++per_pattern[c.pattern];
    const std::vector<Statement> got = ExtractText(c.text, c.lang);
    for (const Statement& s : got) {
      // Offsets point at the original bytes and stay inside the text.
      EXPECT_LE(s.content_span.end, c.text.size()) << c.id;
      EXPECT_TRUE(s.sentence_span.Contains(s.content_span)) << c.id;
    }
    const std::string why = Check(c, got);
    if (!why.empty()) {
      ++failed;
      ++failed_per_pattern[c.pattern];
      ADD_FAILURE() << c.id << "\n" << c.text << "\n" << why;
    }
  }
  for (const auto& [pattern, n] : per_pattern) {
    EXPECT_GE(n, 3) << pattern << ": every pattern has at least three cases";
    if (failed_per_pattern[pattern] > 0) std::printf("%-28s %d of %d failed\n", pattern.c_str(), failed_per_pattern[pattern], n);
  }
  std::printf("table: %zu cases, %d failed\n", cases.size(), failed);
}

TEST(ExtractorTest, SpansMapThroughNormalization) {
  // Arabic letters and tatweel change the display form; spans still point
  // at the original bytes.
  std::string text = "علي كريمي گفت: «ما مـــلت واحدي هستيم.»";
  std::vector<Statement> got = ExtractText(text, Language::kPersian);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].content, "ما ملت واحدی هستیم.");
  EXPECT_EQ(Slice(text, got[0].content_span), "ما مـــلت واحدي هستيم.");
  EXPECT_EQ(got[0].speaker, "علی کریمی");
  EXPECT_EQ(Slice(text, *got[0].speaker_span), "علي كريمي");
}

TEST(ExtractorTest, NeverCrashesOnStrayMarks) {
  for (const char* text : {"\"", "«", "»»««", "“”", "\"\"\"\"", "said: ", "گفت:", ":", "«گفت:»"}) {
    SCOPED_TRACE(text);
    for (Language lang : {Language::kEnglish, Language::kPersian}) {
      std::vector<Statement> got = ExtractText(text, lang);
      EXPECT_TRUE(got.empty());
    }
  }
}

// A subject of titles alone (found by the fuzzer: it read past the end):
// no name, the titles as role.
TEST(ExtractorTest, ASubjectOfTitlesAloneHasNoName) {
  const std::string text = "دکتر گفت: ما برای همکاری با همه کشورها آماده هستیم.";
  std::vector<Statement> got = ExtractText(text, Language::kPersian);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].speaker, "");
  EXPECT_EQ(got[0].speaker_role, "دکتر");
  EXPECT_EQ(got[0].speaker_status, SpeakerStatus::kUnnamed);
}

// Inputs the fuzzer once crashed on (tests/data/fuzz_regressions/) run
// clean in both languages.
TEST(ExtractorTest, FuzzRegressions) {
  const std::string dir = std::string(QM_SOURCE_DIR) + "/tests/data/fuzz_regressions";
  for (const char* name : {"extract-title-only-subject.txt"}) {
    std::string text;
    ASSERT_TRUE(ReadFileToString(dir + "/" + name, &text)) << name;
    for (Language lang : {Language::kEnglish, Language::kPersian}) {
      Document doc{"f", lang, text, std::nullopt, ""};
      auto norm = Normalizer::Default().Normalize(doc.text, lang);
      if (!norm.ok()) continue;
      for (const Statement& s : Extractor::Default().Extract(doc, *norm)) {
        EXPECT_LE(s.content_span.end, text.size());
      }
    }
  }
}

TEST(ExtractorTest, LoaderRejectsBadData) {
  ExtractorData data = Extractor::EmbeddedData();
  ASSERT_TRUE(Extractor::Load(data).ok());
  struct Bad {
    std::string_view ExtractorData::*field;
    const char* text;
    const char* message;   // part of the error
  };
  const Bad bad[] = {
      {&ExtractorData::cues_en, "said\tsay\nsaid\tsay\n", "cues_en.tsv:2: duplicate cue"},
      {&ExtractorData::cues_en, "told\ttell\tbogus\n", "cues_en.tsv:1: unknown flag"},
      {&ExtractorData::pronouns, "he\txx\tperson\n", "pronouns.tsv:1: language must be en or fa"},
      {&ExtractorData::pronouns, "he\ten\tthing\n", "pronouns.tsv:1: referent must be"},
      {&ExtractorData::attributions, "according to\ten\tmaybe\n", "attributions.tsv:1: role must be"},
      {&ExtractorData::titles_en, "minister\trole\nminister\torg\n", "titles_en.tsv:2: word listed earlier"},
      {&ExtractorData::titles_fa, "وزیر\tboss\n", "titles_fa.tsv:1: class must be"},
      {&ExtractorData::abbreviations_en, "mr\nMr\n", "abbreviations_en.txt:2: duplicate abbreviation"},
  };
  for (const Bad& b : bad) {
    SCOPED_TRACE(b.text);
    ExtractorData d = data;
    d.*b.field = b.text;
    auto r = Extractor::Load(d);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(std::string(r.status().message()).find(b.message), std::string::npos) << r.status().message();
  }
  EXPECT_GE(Extractor::Default().CueCount(Language::kPersian), 30u);
}

}  // namespace
}  // namespace quotematch
