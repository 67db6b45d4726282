#include <random>
#include <string>

#include <gtest/gtest.h>

#include "base/strings.h"
#include "base/utf8.h"
#include "normalize/char_rules.h"
#include "normalize/normalizer.h"
#include "normalize/sentences.h"
#include "qm_data.h"

namespace quotematch {
namespace {

NormalizedText Norm(std::string_view text, Language lang) {
  auto r = Normalizer::Default().Normalize(text, lang);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : NormalizedText{};
}

// Every output byte maps inside the original, maps are monotone, and every
// token's span is inside the original.
void ExpectValidMap(std::string_view original, const OffsetMap& map, size_t output_size) {
  ASSERT_EQ(map.output_size(), output_size);
  ASSERT_EQ(map.input_size(), original.size());
  uint32_t out = 0, last_in = 0;
  for (const OffsetMap::Segment& s : map.segments()) {
    ASSERT_EQ(s.out_begin, out);  // segments tile the output
    ASSERT_LE(s.out_begin, s.out_end);
    ASSERT_LE(s.in_begin, s.in_end);
    ASSERT_LE(s.in_end, original.size());
    ASSERT_GE(s.in_begin, last_in);  // monotone
    if (s.copy) ASSERT_EQ(s.out_end - s.out_begin, s.in_end - s.in_begin);
    out = s.out_end;
    last_in = s.in_begin;
  }
  ASSERT_EQ(out, output_size);
}

// Every output byte maps inside the original, maps are monotone, tokens'
// spans are inside the original and hold whole characters, and spans
// round-trip: original → display → original covers the start.
void ExpectValidMaps(std::string_view original, const NormalizedText& t) {
  ExpectValidMap(original, t.display_map, t.display.size());
  ExpectValidMap(original, t.key_map, t.key.size());
  for (const Token& tok : t.tokens) {
    ASSERT_LE(tok.original.end, original.size());
    ASSERT_LE(tok.original.begin, tok.original.end);
    ASSERT_EQ(FirstInvalidUtf8(original.substr(tok.original.begin, tok.original.size())),
              std::string_view::npos);
    ASSERT_EQ(t.key.substr(tok.key_span.begin, tok.key_span.size()), tok.key);
    Span back = t.OriginalToDisplay(tok.original);
    ASSERT_LE(back.begin, tok.display.begin);
    ASSERT_GE(back.end, tok.display.end);
  }
}

TEST(NormalizerTest, DisplayAndKeyTable) {
  struct Case {
    const char* input;
    Language lang;
    const char* display;
    const char* key;
  } cases[] = {
      {"علي كريمي", Language::kPersian, "علی کریمی", "علی کریمی"},
      {"۲۴٫۵ درصد", Language::kPersian, "۲۴٫۵ درصد", "24.5 درصد"},
      {"٤٥٦", Language::kPersian, "۴۵۶", "456"},
      {"می‌گوید", Language::kPersian, "می‌گوید", "میگوید"},
      {"مـــــلت", Language::kPersian, "ملت", "ملت"},
      {"مُحَمَّد", Language::kPersian, "مُحَمَّد", "محمد"},
      {"«سلام»", Language::kPersian, "«سلام»", "\"سلام\""},
      {"ﻛﺘﺎﺏ", Language::kPersian, "کتاب", "کتاب"},  // presentation forms
      {"The Minister’s “plan”", Language::kEnglish, "The Minister’s “plan”", "the minister \"plan\""},
      {"co\xC2\xADoperate", Language::kEnglish, "cooperate", "cooperate"},  // soft hyphen
      {"ﬁne  and\tgood", Language::kEnglish, "fine and good", "fine and good"},
      {"a\r\nb", Language::kEnglish, "a\nb", "a b"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.input);
    NormalizedText t = Norm(c.input, c.lang);
    EXPECT_EQ(t.display, c.display);
    EXPECT_EQ(t.key, c.key);
    ExpectValidMaps(c.input, t);
  }
}

TEST(NormalizerTest, TokensCarryNumbersAndSpans) {
  std::string text = "رئیس‌جمهور گفت ۸۲۰٬۰۰۰ نفر و 1,200 تن.";
  NormalizedText t = Norm(text, Language::kPersian);
  std::vector<double> numbers;
  for (const Token& tok : t.tokens) {
    if (tok.kind == TokenKind::kNumber) numbers.push_back(tok.number);
  }
  EXPECT_EQ(numbers, (std::vector<double>{820000, 1200}));
  // The first token is the ZWNJ-joined word, whole, spanning its bytes.
  ASSERT_FALSE(t.tokens.empty());
  EXPECT_EQ(text.substr(t.tokens[0].original.begin, t.tokens[0].original.size()), "رئیس‌جمهور");
  EXPECT_TRUE(t.tokens[0].arabic_script);
}

TEST(NormalizerTest, CapitalizationComesFromTheOriginal) {
  NormalizedText t = Norm("Iran said no", Language::kEnglish);
  ASSERT_EQ(t.tokens.size(), 3u);
  EXPECT_TRUE(t.tokens[0].capitalized);
  EXPECT_FALSE(t.tokens[1].capitalized);
  EXPECT_EQ(t.tokens[0].key, "iran");
}

TEST(NormalizerTest, InvalidUtf8IsAnError) {
  auto r = Normalizer::Default().Normalize("ab\xFF", Language::kEnglish);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(AsStd(r.status().message())), "invalid UTF-8 at byte 2");
}

TEST(NormalizerTest, DetectsLanguage) {
  EXPECT_EQ(DetectLanguage("این یک متن فارسی است"), Language::kPersian);
  EXPECT_EQ(DetectLanguage("This is English with one کلمه"), Language::kEnglish);
  EXPECT_EQ(Norm("سلام دنیا", Language::kUnspecified).language, Language::kPersian);
}

// Offsets stay valid on random and adversarial strings built from a mix of
// ASCII, Persian, combining marks, invisibles and presentation forms.
TEST(NormalizerTest, OffsetMapsValidOnRandomInput) {
  const char32_t alphabet[] = {U'a', U'Z', U' ', U'\n', U'1', U'۲', U'٣', U'ي', U'ك', U'ی',
                               U'\u200C', U'\u200B', U'\u0640', U'\u064E', U'\u0651', U'\u0301',
                               U'\uFEFF', U'\uFB8F', U'\uFEE0', U'«', U'»', U'“', U'”', U'.',
                               U',', U'\u066B', U'\u066C', U'e', U'\u00AD', U'😀', U'\uFDF2'};
  std::mt19937 rng(42);
  for (int round = 0; round < 500; ++round) {
    std::string s;
    int len = static_cast<int>(rng() % 40);
    for (int i = 0; i < len; ++i) AppendUtf8(alphabet[rng() % std::size(alphabet)], &s);
    SCOPED_TRACE(s);
    for (Language lang : {Language::kEnglish, Language::kPersian}) {
      NormalizedText t = Norm(s, lang);
      ExpectValidMaps(s, t);
      // A span of the whole display maps to a span inside the original.
      Span all = t.DisplayToOriginal({0, static_cast<uint32_t>(t.display.size())});
      EXPECT_LE(all.end, s.size());
    }
  }
}

TEST(CharRulesTest, EmbeddedTableLoads) {
  auto rules = CharRules::Load(data::kNormalizeChars, "chars.tsv");
  ASSERT_TRUE(rules.ok()) << rules.status();
  // Golden: the number of rules in data/normalize/chars.tsv. Update with the
  // file (count its non-comment lines).
  EXPECT_EQ((*rules)->size(), 161u);
  const CharRule* yeh = (*rules)->Find(0x064A);
  ASSERT_NE(yeh, nullptr);
  EXPECT_EQ(yeh->display, "ی");
}

TEST(CharRulesTest, LoaderRejectsBadLines) {
  struct Case {
    const char* tsv;
    const char* error;
  } cases[] = {
      {"U+0041\tU+0042\n", "t.tsv:1: expected 3 fields, got 2"},
      {"U+0041\t=\t=\nU+0041\t-\t-\n", "t.tsv:2: duplicate rule for U+0041"},
      {"U+XYZ\t=\t=\n", "t.tsv:1: bad source code point 'U+XYZ'"},
      {"U+0041\tU+D800\t=\n", "t.tsv:1: bad display target 'U+D800'"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.tsv);
    auto r = CharRules::Load(c.tsv, "t.tsv");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(std::string(AsStd(r.status().message())), c.error);
  }
}

TEST(SentencesTest, SplitsEnglishAndPersian) {
  auto en = SplitSentences("Mr. Smith arrived. He said hello.", Language::kEnglish);
  EXPECT_EQ(en.size(), 2u);  // no break after "Mr."
  auto fa = SplitSentences("او آمد. سپس رفت؟ بله", Language::kPersian);
  EXPECT_EQ(fa.size(), 3u);
}

}  // namespace
}  // namespace quotematch
