#include <random>
#include <string>

#include <gtest/gtest.h>

#include "base/strings.h"
#include "base/utf8.h"
#include "normalize/analysis.h"
#include "normalize/char_rules.h"
#include "normalize/internal/kernels/kernels.h"
#include "normalize/internal/passes.h"
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
  uint32_t out = 0, last_in = 0, last_end = 0;
  for (const OffsetMap::Segment& s : map.segments()) {
    ASSERT_EQ(s.out_begin, out);  // segments tile the output
    ASSERT_LE(s.out_begin, s.out_end);
    ASSERT_LE(s.in_begin, s.in_end);
    ASSERT_LE(s.in_end, original.size());
    ASSERT_GE(s.in_begin, last_in);  // monotone: both ends never go back
    ASSERT_GE(s.in_end, last_end);
    if (s.copy) ASSERT_EQ(s.out_end - s.out_begin, s.in_end - s.in_begin);
    out = s.out_end;
    last_in = s.in_begin;
    last_end = s.in_end;
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
  EXPECT_EQ(t.tokens[0].script, Script::kArabic);
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


// Texts for the vector paths and their edges: words across 16-, 32- and
// 64-byte blocks, words longer than a block, ZWNJ, rare letters and marks
// and tripled letters at any offset, runs of edits (digits, ، ؛ ؟, hamza
// forms), punctuation next to words, whitespace runs, Latin tokens, text
// near the buffer's ends, and now and then invalid UTF-8. Generated from a
// fixed seed out of our own pieces.
std::vector<std::string> VectorPathTexts() {
  const std::vector<std::string> letters = {"ا", "ب", "پ", "ت", "خ", "د", "ر", "ز", "س", "ش", "ع", "ف", "ک",
                                            "گ", "ل", "م", "ن", "و", "ه", "ی", "ي", "ك", "أ", "ؤ", "ئ", "ۀ"};
  const std::vector<std::string> rare = {"\u06D5", "\u06FA", "\u06FF", "\u066E", "\u0610", "\u061A", "\u0670",
                                         "\u0750", "\u077F", "\u0301", "\u036F", "\u06D6", "\u20D0", "\uFE20",
                                         "\u064B", "\u0651", "\u0654", "\u0640", "\u200C", "\u200C\u200C",
                                         "\uFEE0", "\uFB8F"};
  const std::vector<std::string> words = {"می", "نمی", "ها", "های", "ترین", "تر", "ه", "ی", "خواهد", "بر", "در",
                                          "باز", "است", "ماه", "بی", "اند", "شده", "گشت", "کتاب", "روم", "این",
                                          "جا", "که", "هم", "زمان", "خانه", "آنها", "تنها", "می\u200Cروم",
                                          "کتاب\u200Cها", "برمیگردد", "خواهدگشت", "کتابها", "قشنگترین"};
  const std::vector<std::string> seps = {" ", " ", " ", " ", "", "  ", "\n", "\n\n", "\t", "\u00A0", " ، ", "،",
                                         ". ", " «", "» ", "(", ") ", "؟ ", " ۱۴۰۲ ", " 1,200 ", "۲۴٫۵", " ABC ",
                                         " www.x.com ", " Image2.jpg ", " @ali ", "\u200C", " ی ", " % ", "٪",
                                         "\u2019", " don't ", "\r\n"};
  std::mt19937 rng(7);
  auto pick = [&](const std::vector<std::string>& v) -> const std::string& { return v[rng() % v.size()]; };
  std::vector<std::string> texts;
  for (int round = 0; round < 600; ++round) {
    std::string s(rng() % 4 == 0 ? rng() % 70 : 0, ' ');
    const int n = 1 + static_cast<int>(rng() % (round % 4 == 0 ? 120 : 25));
    for (int w = 0; w < n; ++w) {
      if (rng() % 3 == 0) {
        s += pick(words);
      } else {
        const int len = static_cast<int>(std::vector<int>{1, 2, 3, 7, 8, 9, 15, 16, 17, 30, 31, 32, 33, 40}[rng() % 14]);
        for (int c = 0; c < len; ++c) {
          s += rng() % 12 == 0 ? pick(rare) : pick(letters);
          if (rng() % 40 == 0) s += s.substr(s.size() - 2) + s.substr(s.size() - 2);  // a triple
        }
      }
      s += pick(seps);
    }
    if (rng() % 50 == 0) s.insert(rng() % (s.size() + 1), 1, static_cast<char>("\x80\xC0\xD8\xE2\xFF"[rng() % 5]));
    texts.push_back(std::move(s));
  }
  return texts;
}

void ExpectSameMap(const OffsetMap& a, const OffsetMap& b) {
  ASSERT_EQ(a.segments().size(), b.segments().size());
  for (size_t i = 0; i < a.segments().size(); ++i) {
    const OffsetMap::Segment &x = a.segments()[i], &y = b.segments()[i];
    ASSERT_TRUE(x.out_begin == y.out_begin && x.out_end == y.out_end && x.in_begin == y.in_begin &&
                x.in_end == y.in_end && x.copy == y.copy)
        << "segment " << i;
  }
}

// The character and key passes give the same text and map with every
// instruction set this CPU has as without vector instructions.
TEST(KernelsTest, EveryInstructionSetGivesTheSameOutput) {
  using internal::PassKernels;
  const NormalizerOptions options;
  const internal::CharTable display(CharRules::Default(), options, /*key=*/false);
  const internal::CharTable key(CharRules::Default(), options, /*key=*/true);
  std::vector<const PassKernels*> sets;
#if defined(__x86_64__)
  if (__builtin_cpu_supports("ssse3") && internal::Ssse3Kernels() != nullptr) sets.push_back(internal::Ssse3Kernels());
  if (__builtin_cpu_supports("avx2") && internal::Avx2Kernels() != nullptr) sets.push_back(internal::Avx2Kernels());
#endif
  if (sets.empty()) GTEST_SKIP() << "no vector kernels for this CPU";
  const PassKernels& base = *internal::BaselineKernels();
  for (const std::string& text : VectorPathTexts()) {
    SCOPED_TRACE(text);
    for (const PassKernels* k : sets) {
      SCOPED_TRACE(k->name);
      std::string want, got;
      OffsetMapBuilder want_map, got_map;
      size_t want_bad = 0, got_bad = 0;
      const bool want_ok = base.char_pass(text, display, options.nfkc, &want, &want_map, &want_bad);
      ASSERT_EQ(k->char_pass(text, display, options.nfkc, &got, &got_map, &got_bad), want_ok);
      if (!want_ok) {
        EXPECT_EQ(got_bad, want_bad);
        continue;
      }
      EXPECT_EQ(got, want);
      ExpectSameMap(got_map.Finish(static_cast<uint32_t>(text.size())), want_map.Finish(static_cast<uint32_t>(text.size())));
      std::string want_key, got_key;
      base.key_pass(want, key, &want_key, &want_map);
      k->key_pass(want, key, &got_key, &got_map);
      EXPECT_EQ(got_key, want_key);
      ExpectSameMap(got_map.Finish(static_cast<uint32_t>(want.size())), want_map.Finish(static_cast<uint32_t>(want.size())));
      for (size_t at : {size_t{0}, size_t{5}, size_t{40}}) {  // the word masks, at any offset
        if (want.size() < at + 70 || at < 4) continue;
        const auto* p = reinterpret_cast<const unsigned char*>(want.data()) + at;
        const internal::ArabicMasks a = k->arabic_block(p), b = base.arabic_block(p);
        EXPECT_TRUE(a.word == b.word && a.space == b.space && a.khe == b.khe && a.triple == b.triple && a.zwnj == b.zwnj);
      }
    }
  }
}

// The spacing pass lexes Persian from 64-byte word masks where it can; one
// item at a time it must reach the same display form and map.
TEST(SpacingPassTest, BlockLexingMatchesOneItemAtATime) {
  const NormalizerOptions options;
  const internal::CharTable display(CharRules::Default(), options, /*key=*/false);
  for (const std::string& text : VectorPathTexts()) {
    SCOPED_TRACE(text);
    std::string chars;
    OffsetMapBuilder chars_map;
    size_t bad = 0;
    if (!internal::CharPass(text, display, options.nfkc, &chars, &chars_map, &bad)) continue;
    std::string fast, slow;
    OffsetMapBuilder fast_map, slow_map;
    internal::SpacingPass(chars, Language::kPersian, options, PersianWordRules::Default(), &fast, &fast_map, true);
    internal::SpacingPass(chars, Language::kPersian, options, PersianWordRules::Default(), &slow, &slow_map, false);
    EXPECT_EQ(fast, slow);
    ExpectSameMap(fast_map.Finish(static_cast<uint32_t>(chars.size())), slow_map.Finish(static_cast<uint32_t>(chars.size())));
  }
}

// Normalizing into a reused NormalizedText gives what a fresh one gets.
TEST(NormalizerTest, ReusedResultMatchesFresh) {
  NormalizedText reused;
  for (const std::string& text : VectorPathTexts()) {
    for (Language lang : {Language::kPersian, Language::kEnglish}) {
      auto fresh = Normalizer::Default().Normalize(text, lang);
      absl::Status st = Normalizer::Default().Normalize(text, lang, &reused);
      ASSERT_EQ(st.ok(), fresh.ok());
      if (!st.ok()) continue;
      EXPECT_EQ(reused.display, fresh->display);
      EXPECT_EQ(reused.key, fresh->key);
      ExpectSameMap(reused.display_map, fresh->display_map);
      ExpectSameMap(reused.key_map, fresh->key_map);
      ASSERT_EQ(reused.tokens.size(), fresh->tokens.size());
      EXPECT_EQ(reused.quantities.size(), fresh->quantities.size());
      EXPECT_EQ(reused.dates.size(), fresh->dates.size());
    }
  }
}

// The vector paths keep offset maps valid on texts long enough to reach them.
TEST(NormalizerTest, OffsetMapsValidOnLongTexts) {
  for (const std::string& text : VectorPathTexts()) {
    if (FirstInvalidUtf8(text) != std::string_view::npos) continue;
    SCOPED_TRACE(text);
    for (Language lang : {Language::kEnglish, Language::kPersian}) ExpectValidMaps(text, Norm(text, lang));
  }
}

// One row per documented operation (docs/normalization.md); input → display.
TEST(NormalizerTest, PersianOperations) {
  struct Case {
    const char* op;
    const char* input;
    const char* display;
  } cases[] = {
      {"arabic yeh/kaf", "علي و كتاب", "علی و کتاب"},
      {"alef maksura", "مصطفى", "مصطفی"},
      {"teh marbuta", "سایة", "سایه"},
      {"heh goal hamza", "خانۂ", "خانۀ"},
      {"hamza kept", "رأس مؤلف رئیس جزء", "رأس مؤلف رئیس جزء"},
      {"tatweel", "مـــلت", "ملت"},
      {"presentation forms", "ﻛﺘﺎﺏ ﺁﺏ", "کتاب آب"},
      {"lam-alef ligature", "ﻻ", "لا"},
      {"allah ligature", "ﷲ", "الله"},
      {"rial sign", "۵۰ ﷼", "۵۰ ریال"},
      {"bismillah", "﷽", "بسم الله الرحمن الرحیم"},
      {"other-language look-alikes", "ۿدف ڪمک", "هدف کمک"},
      {"diacritics kept", "مُحَمَّد", "مُحَمَّد"},
      {"arabic-indic digits", "٤٥٦", "۴۵۶"},
      {"ascii digits in persian", "سال 1402", "سال ۱۴۰۲"},
      {"decimal kept whole", "۲۴٫۵ درصد", "۲۴٫۵ درصد"},
      {"thousands kept whole", "۸۲۰٬۰۰۰ نفر", "۸۲۰٬۰۰۰ نفر"},
      {"comma thousands", "1,200 نفر", "۱,۲۰۰ نفر"},
      {"latin token digits", "فایل Image2.jpg و COVID-19", "فایل Image2.jpg و COVID-19"},
      {"url intact", "سایت https://example.com/a?b=1 را", "سایت https://example.com/a?b=1 را"},
      {"email mention hashtag", "به info@example.org و @user و #خبر_فوری", "به info@example.org و @user و #خبر_فوری"},
      {"mi spaced", "می روم", "می‌روم"},
      {"nami attached", "نمیدانم", "نمی‌دانم"},
      {"mi colloquial", "میخونم", "می‌خونم"},
      {"mi not verb", "ماه می آمد", "ماه می آمد"},
      {"mi in noun", "میز و میدان و میلاد", "میز و میدان و میلاد"},
      {"preverb mi", "بر می گردد", "برمی‌گردد"},
      {"preverb zwnj", "بر‌میدارم", "برمی‌دارم"},
      {"plural spaced", "کتاب ها", "کتاب‌ها"},
      {"plural attached", "کتابهایش", "کتاب‌هایش"},
      {"plural after non-joining", "دوقلو های", "دوقلوهای"},
      {"no zwnj after non-joining", "بندرها", "بندرها"},
      {"not a plural", "تنها و تنهایی", "تنها و تنهایی"},
      {"tar spaced", "بزرگ تر", "بزرگ‌تر"},
      {"tar after non-joining", "بعد تر", "بعدتر"},
      {"tarin attached", "قشنگترین", "قشنگ‌ترین"},
      {"tarin short base", "بهترین", "بهترین"},
      {"clitic after heh", "رفته اند", "رفته‌اند"},
      {"indefinite after heh", "خانه ای", "خانه‌ای"},
      {"copula after heh", "شده‌است", "شده است"},
      {"bi prefix", "بی دلیل", "بی‌دلیل"},
      {"bound compound", "بنیان گذار", "بنیان‌گذار"},
      {"bound compound non-joining", "کار آفرین", "کارآفرین"},
      {"join table", "هم زمان", "هم‌زمان"},
      {"future split", "او برخواهد گشت.", "او بر خواهد گشت."},
      {"ezafe spaced", "خانه ی ما", "خانۀ ما"},
      {"ezafe zwnj", "خانه‌ی ما", "خانۀ ما"},
      {"zwnj after non-joining", "در‌آن", "درآن"},
      {"zwnj doubled", "می‌‌روم", "می‌روم"},
      {"zwnj at edge", "این‌ یک", "این یک"},
      {"repeated letters", "سلاممممم", "سلامم"},
      {"digits not repeated letters", "۱۰۰۰۰", "۱۰۰۰۰"},
      {"space before punctuation", "کار ما بوده ؟!", "کار ما بوده؟!"},
      {"space after punctuation", "سلام!چطوری؟", "سلام! چطوری؟"},
      {"guillemets", "شرکت « گوگل »اعلام کرد .", "شرکت «گوگل» اعلام کرد."},
      {"persian comma", "سلام, دنیا", "سلام، دنیا"},
      {"persian question", "کجاست?", "کجاست؟"},
      {"percent after persian number", "۲۰%", "۲۰٪"},
      {"whitespace", "  این   یک\n\n\nجمله  ", "این یک\n\nجمله"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.op);
    std::string input = c.input;
    // \n in the table means a newline.
    for (size_t at; (at = input.find("\\n")) != std::string::npos;) input.replace(at, 2, "\n");
    std::string want = c.display;
    for (size_t at; (at = want.find("\\n")) != std::string::npos;) want.replace(at, 2, "\n");
    NormalizedText t = Norm(input, Language::kPersian);
    EXPECT_EQ(t.display, want);
    ExpectValidMaps(input, t);
  }
}

TEST(NormalizerTest, KeyFoldsSpellingVariants) {
  // Variants of one word meet in the key.
  const char* variants[][2] = {
      {"می‌روم", "میروم"}, {"می روم", "میروم"}, {"تأکید", "تاکید"}, {"مسئله", "مسيله"},
      {"خانۀ", "خانه"},     {"رئیس‌جمهور", "رئيس جمهور"},
  };
  for (auto& v : variants) {
    SCOPED_TRACE(v[0]);
    EXPECT_EQ(StrJoin({Norm(v[0], Language::kPersian).key}, ""),
              StrJoin({Norm(v[1], Language::kPersian).key}, ""));
  }
}

TEST(NormalizerTest, EnglishKey) {
  struct Case {
    const char* input;
    const char* key;
  } cases[] = {
      {"Iran's minister", "iran minister"},
      {"The ministers' letter", "the ministers letter"},
      {"We don't know", "we do not know"},
      {"It won't happen", "it will not happen"},
      {"it's clear; they're here; we've said; I'll go; I'm sure; he'd say",
       "it is clear; they are here; we have said; i will go; i am sure; he would say"},
      {"“Quoted” — dash – en", "\"quoted\" - dash - en"},
      {"soft\u00ADhyphen zero\u200Bwidth", "softhyphen zerowidth"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.input);
    std::string input = c.input;
    for (auto [from, to] : {std::pair<std::string, std::string>{"\\u00AD", "\xC2\xAD"}, {"\\u200B", "\xE2\x80\x8B"}}) {
      for (size_t at; (at = input.find(from)) != std::string::npos;) input.replace(at, from.size(), to);
    }
    NormalizedText t = Norm(input, Language::kEnglish);
    EXPECT_EQ(t.key, c.key);
    ExpectValidMaps(input, t);
  }
}

TEST(AnalysisTest, TokensKeepZwnjWordsWholeAndClassify) {
  std::string text = "او می‌رود https://x.org و info@x.org @ali #خبر ۲۴٫۵ 😀";
  NormalizedText t = Norm(text, Language::kPersian);
  std::vector<std::pair<std::string, TokenKind>> got;
  for (const Token& tok : t.tokens) got.emplace_back(text.substr(tok.original.begin, tok.original.size()), tok.kind);
  std::vector<std::pair<std::string, TokenKind>> want = {
      {"او", TokenKind::kWord},        {"می‌رود", TokenKind::kWord},          {"https://x.org", TokenKind::kUrl},
      {"و", TokenKind::kWord},         {"info@x.org", TokenKind::kEmail},     {"@ali", TokenKind::kMention},
      {"#خبر", TokenKind::kHashtag},   {"۲۴٫۵", TokenKind::kNumber},          {"😀", TokenKind::kSymbol}};
  EXPECT_EQ(got, want);
  EXPECT_DOUBLE_EQ(t.tokens[7].number, 24.5);
}

TEST(AnalysisTest, NumberWordsBecomeValues) {
  struct Case {
    const char* text;
    Language lang;
    double value;
  } cases[] = {
      {"ده نفر", Language::kPersian, 10},
      {"بیست و پنج نفر", Language::kPersian, 25},
      {"دو میلیون تومان", Language::kPersian, 2000000},
      {"۲۴ هزار نفر", Language::kPersian, 24000},
      {"سه هزار و دویست و دوازده", Language::kPersian, 3212},
      {"یک میلیون و سی هزار", Language::kPersian, 1030000},
      {"پنجمین دوره", Language::kPersian, 5},
      {"ten people", Language::kEnglish, 10},
      {"2.5 million people", Language::kEnglish, 2500000},
      {"twenty-five", Language::kEnglish, 25},
      {"three hundred and twenty", Language::kEnglish, 320},
      {"1,200 tons", Language::kEnglish, 1200},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    NormalizedText t = Norm(c.text, c.lang);
    ASSERT_FALSE(t.quantities.empty());
    EXPECT_DOUBLE_EQ(t.quantities[0].value, c.value);
  }
  // A lone نه is "no", not nine.
  EXPECT_TRUE(Norm("نه، نمی‌آیم", Language::kPersian).quantities.empty());
}

TEST(AnalysisTest, SolarHijriAndGregorianDatesMeet) {
  struct Case {
    const char* text;
    Language lang;
    int y, m, d;
  } cases[] = {
      {"روز ۱۹ بهمن ۱۴۰۲ گفت", Language::kPersian, 2024, 2, 8},
      {"۱۹ بهمن‌ماه ۱۴۰۲", Language::kPersian, 2024, 2, 8},
      {"۸ فوریه ۲۰۲۴", Language::kPersian, 2024, 2, 8},
      {"on February 8, 2024 he said", Language::kEnglish, 2024, 2, 8},
      {"8 February 2024", Language::kEnglish, 2024, 2, 8},
      {"Feb. 8, 2024", Language::kEnglish, 2024, 2, 8},
      {"۱ فروردین ۱۴۰۳", Language::kPersian, 2024, 3, 20},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    NormalizedText t = Norm(c.text, c.lang);
    ASSERT_EQ(t.dates.size(), 1u);
    EXPECT_EQ(t.dates[0].year, c.y);
    EXPECT_EQ(t.dates[0].month, c.m);
    EXPECT_EQ(t.dates[0].day, c.d);
  }
  EXPECT_TRUE(Norm("مهر او", Language::kPersian).dates.empty());
  EXPECT_TRUE(Norm("You may go", Language::kEnglish).dates.empty());
}

TEST(OffsetMapTest, ComposeAndInvert) {
  OffsetMapBuilder a;  // "abXcd" → "abYYcd": X replaced by two bytes
  a.Copy(0, 2);
  a.Replace(2, 1, 2);
  a.Copy(3, 2);
  OffsetMap first = a.Finish(5);
  OffsetMapBuilder b;  // drop the first byte of the middle string
  b.Replace(0, 1, 0);
  b.Copy(1, 5);
  OffsetMap second = b.Finish(6);
  OffsetMap both = OffsetMap::Compose(first, second);
  EXPECT_EQ(both.output_size(), 5u);
  EXPECT_EQ(both.ToInput({0, 1}), (Span{1, 2}));  // "b"
  EXPECT_EQ(both.ToInput({1, 3}), (Span{2, 3}));  // "YY" ← "X"
  EXPECT_EQ(both.ToInput({1, 2}), (Span{2, 3}));  // half of YY ← X
  EXPECT_EQ(both.ToInput({3, 5}), (Span{3, 5}));
  EXPECT_EQ(both.ToOutput({2, 3}), (Span{1, 3}));
  EXPECT_EQ(both.ToOutput({0, 1}).size(), 0u);  // deleted
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
