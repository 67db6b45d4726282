#include <string>

#include <gtest/gtest.h>

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

struct Case {
  const char* name;
  Language lang;
  std::string text;
  std::vector<std::string> contents;  // expected contents
  std::vector<std::string> speakers;  // expected canonical speakers
  std::vector<std::string> cues;
};

TEST(ExtractorTest, Table) {
  const Case cases[] = {
      {"speaker before cue", Language::kEnglish,
       "Foreign Minister Abbas Araghchi said: \"We want a fair agreement now.\"",
       {"We want a fair agreement now."}, {"Foreign Minister Abbas Araghchi"}, {"said"}},
      {"inverted order", Language::kEnglish,
       "“Talks will resume next week,” said Maria Lopez.",
       {"Talks will resume next week"}, {"Maria Lopez"}, {"said"}},
      {"apposition", Language::kEnglish,
       "Sara Khan, an analyst in Lahore, said: “The pressure is very high.”",
       {"The pressure is very high."}, {"Sara Khan"}, {"said"}},
      {"pronoun resolves to last speaker", Language::kEnglish,
       "Ali Rezaei said: \"The border is calm today.\" \"We remain alert at all times,\" he added.",
       {"The border is calm today.", "We remain alert at all times"},
       {"Ali Rezaei", "Ali Rezaei"}, {"said", "added"}},
      {"unresolved pronoun stays unknown", Language::kEnglish,
       "\"Nobody told us anything,\" she said.", {"Nobody told us anything"}, {""}, {"said"}},
      {"no cue", Language::kEnglish, "The banner read \"Peace for all people now\".",
       {"Peace for all people now"}, {""}, {""}},
      {"short quotes are not statements", Language::kEnglish,
       "He called the plan \"deplorable\" and left.", {}, {}, {}},
      {"unbalanced quote stops at paragraph end", Language::kEnglish,
       "He said \"this never closes\n\nMaria Lopez said: \"A complete sentence is here.\"",
       {"A complete sentence is here."}, {"Maria Lopez"}, {"said"}},
      {"persian guillemets with apposition", Language::kPersian,
       "کامران رستمی، معاون وزیر امور خارجه، در نامه‌ای نوشت: «ما خواهان صلح پایدار هستیم.»",
       {"ما خواهان صلح پایدار هستیم."}, {"کامران رستمی"}, {"نوشت"}},
      {"persian colon speech", Language::kPersian,
       "حسین کریمی گفت: ایران به همه همسایگان خود احترام می‌گذارد.",
       {"ایران به همه همسایگان خود احترام می‌گذارد."}, {"حسین کریمی"}, {"گفت"}},
      {"persian pronoun and compound cue", Language::kPersian,
       "ملک همچنین تأکید کرد: «گفت‌وگو تنها راه حل است.» وی افزود: «ما آماده همکاری هستیم.»",
       {"گفت‌وگو تنها راه حل است.", "ما آماده همکاری هستیم."}, {"ملک", "ملک"},
       {"تأکید کرد", "افزود"}},
      {"persian cue after quote", Language::kPersian,
       "«این حمله را محکوم می‌کنیم»، سخنگوی دولت گفت.",
       {"این حمله را محکوم می‌کنیم"}, {"سخنگوی دولت"}, {"گفت"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::vector<Statement> got = ExtractText(c.text, c.lang);
    ASSERT_EQ(got.size(), c.contents.size());
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].content, c.contents[i]);
      EXPECT_EQ(got[i].speaker, c.speakers[i]);
      EXPECT_EQ(got[i].cue, c.cues[i]);
      // Offsets point at the original bytes.
      EXPECT_EQ(Slice(c.text, got[i].content_span), c.contents[i]);
      EXPECT_TRUE(got[i].sentence_span.Contains(got[i].content_span));
      if (got[i].cue_span) EXPECT_EQ(Slice(c.text, *got[i].cue_span), c.cues[i]);
      EXPECT_EQ(got[i].id, "d#" + std::to_string(i));
    }
  }
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

TEST(ExtractorTest, LoaderRejectsBadData) {
  ExtractorData data{"said\tsay\nsaid\tsay\n", "گفت\tگفتن\n", "he\ten\n", "در\n", "also\n"};
  auto r = Extractor::Load(data);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  data.cues_en = "said\tsay\n";
  data.pronouns = "he\txx\n";
  EXPECT_FALSE(Extractor::Load(data).ok());
  data.pronouns = "he\ten\n";
  EXPECT_TRUE(Extractor::Load(data).ok());
  EXPECT_GE(Extractor::Default().CueCount(Language::kPersian), 30u);
}

}  // namespace
}  // namespace quotematch
