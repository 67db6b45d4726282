#include <algorithm>
#include <set>
#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "align/aligner.h"
#include "align/lexicon.h"
#include "align/morphology.h"
#include "align/transliteration.h"
#include "base/file.h"
#include "base/strings.h"
#include "extract/extractor.h"
#include "normalize/normalizer.h"
#include "qm_data.h"

namespace quotematch {
namespace {

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(MorphologyTest, EnglishCandidates) {
  auto en = EnglishLemmatizer::Load(data::kEnglishIrregular, data::kStopwordsEn);
  ASSERT_TRUE(en.ok()) << en.status();
  struct Case {
    const char* word;
    const char* lemma;
  } cases[] = {{"countries", "country"}, {"relations", "relation"}, {"targeted", "target"},
               {"restored", "restore"}, {"said", "say"}, {"iran's", "iran"},
               {"stopped", "stop"}, {"hoping", "hope"}, {"leaders", "leader"}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.word);
    EXPECT_TRUE(Has((*en)->Candidates(c.word), c.lemma));
  }
  EXPECT_TRUE((*en)->IsStopword("the"));
}

TEST(MorphologyTest, PersianCandidates) {
  auto fa = PersianStemmer::Load(data::kPersianVerbs, data::kPersianBrokenPlurals, data::kStopwordsFa);
  ASSERT_TRUE(fa.ok()) << fa.status();
  struct Case {
    const char* word;  // match-key form (no ZWNJ)
    const char* stem;
  } cases[] = {{"کشورهای", "کشور"}, {"تروریستها", "تروریست"}, {"میدانند", "دانستن"},
               {"امیدواریم", "امیدوار"}, {"سخنگوی", "سخنگو"}, {"همسایگان", "همسایه"},
               {"نامهای", "نامه"}, {"نمیگوید", "گفتن"}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.word);
    EXPECT_TRUE(Has((*fa)->Candidates(c.word), c.stem));
  }
  EXPECT_EQ((*fa)->VerbStems("گفتن"), (std::vector<std::string>{"گفت", "گو", "گفته"}));
  EXPECT_TRUE((*fa)->VerbStems("کتاب").empty());
}

TEST(TransliterationTest, SkeletonsAgreeAcrossScripts) {
  auto t = NameSkeletons::Load(data::kTranslitFaLatin);
  ASSERT_TRUE(t.ok()) << t.status();
  struct Case {
    const char* persian;
    const char* english;
  } cases[] = {{"کریمی", "karimi"},   {"رستمی", "rostami"},     {"کامران", "kamran"},
               {"تهران", "tehran"},   {"اسلامآباد", "islamabad"}, {"بلوچستان", "baluchestan"},
               {"سراوان", "saravan"}, {"حسین", "hossein"},      {"عباس", "abbas"},
               {"قریشی", "qureshi"},  {"خامنهای", "khamenei"},   {"محمد", "mohammad"}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.english);
    EXPECT_TRUE(SkeletonsMatch((*t)->Persian(c.persian), (*t)->English(c.english)))
        << (*t)->Persian(c.persian) << " vs " << (*t)->English(c.english);
  }
  EXPECT_FALSE(SkeletonsMatch((*t)->Persian("کریمی"), (*t)->English("rostami")));
  EXPECT_FALSE(SkeletonsMatch("a", "a"));  // too short to mean anything
}

TEST(LexiconTest, LoaderValidates) {
  auto fa = PersianStemmer::Load(data::kPersianVerbs, data::kPersianBrokenPlurals, data::kStopwordsFa);
  ASSERT_TRUE(fa.ok());
  struct Case {
    const char* tsv;
    const char* error;
  } cases[] = {
      {"war\tجنگ\tnoun\nwar\tجنگ\tnoun\n", "t.tsv:2: duplicate of t.tsv:1 ('war' ↔ 'جنگ')"},
      {"war\tجنگ\tthing\n", "t.tsv:1: unknown part of speech 'thing'"},
      {"war\twar\tnoun\n", "t.tsv:1: Persian side has no Arabic-script letters"},
      {"جنگ\tجنگ\tnoun\n", "t.tsv:1: English side has Arabic-script letters"},
      {"war\tجنگ\n", "t.tsv:1: expected 3-5 fields, got 2"},
      {"war\tجنگ\tnoun\tsecurity\t1.5\n", "t.tsv:1: weight must be in (0, 1], got '1.5'"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.tsv);
    auto r = Lexicon::Compile({{"t.tsv", c.tsv}}, **fa, {.generated = false});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(std::string(AsStd(r.status().message())), c.error);
  }
  auto lex = Lexicon::Compile({{"starter.tsv", data::kLexiconStarter}}, **fa, {.generated = false});
  ASSERT_TRUE(lex.ok()) << lex.status();
  EXPECT_GT((*lex)->size(), 300u);
  // Compound verb: the light verb is optional; a simple verb matches by stems.
  const auto ids = (*lex)->EntriesStartingWith("stress");
  ASSERT_FALSE(ids.empty());
  const auto slots = (*lex)->slots((*lex)->entry(ids[0]));
  ASSERT_EQ(slots.size(), 2u);
  EXPECT_TRUE(slots[1].optional);
  // Longest phrase first.
  const auto foreign = (*lex)->EntriesStartingWith("foreign");
  ASSERT_GE(foreign.size(), 2u);
  EXPECT_GE((*lex)->entry(foreign[0]).word_count, (*lex)->entry(foreign.back()).word_count);
}

struct Doc {
  Document doc;
  NormalizedText text;
  std::vector<Statement> statements;
  std::vector<StatementFeatures> features;
};

std::unique_ptr<Doc> Prepare(const std::string& text, Language lang) {
  auto d = std::make_unique<Doc>();
  d->doc = {lang == Language::kEnglish ? "en" : "fa", lang, text, std::nullopt, ""};
  d->text = *Normalizer::Default().Normalize(d->doc.text, lang);
  d->statements = Extractor::Default().Extract(d->doc, d->text);
  for (const Statement& s : d->statements) {
    d->features.push_back(Aligner::Default().Featurize(d->doc, d->text, s));
  }
  return d;
}

TEST(AlignerTest, TranslationScoresHighAndUnrelatedLow) {
  auto en = Prepare("Karimi said: \"Iran respects the sovereignty of its neighbours.\"",
                    Language::kEnglish);
  auto fa = Prepare(
      "کریمی گفت: «ایران به حاکمیت همسایگان خود احترام می‌گذارد.» "
      "یک نماینده گفت: «مجلس گزارش کامل حادثه را خواهد خواست.»",
      Language::kPersian);
  ASSERT_EQ(en->features.size(), 1u);
  ASSERT_EQ(fa->features.size(), 2u);
  ScoredPair good = Aligner::Default().Score(en->features[0], fa->features[0]);
  ScoredPair bad = Aligner::Default().Score(en->features[0], fa->features[1]);
  EXPECT_GT(good.score, 0.8);
  EXPECT_LT(bad.score, 0.2);
  EXPECT_GT(good.score, bad.score);
  // Evidence points at the original bytes and is strongest first.
  ASSERT_FALSE(good.evidence.empty());
  for (const Evidence& e : good.evidence) {
    EXPECT_EQ(en->doc.text.substr(e.english_span.begin, e.english_span.size()), e.english_term);
    EXPECT_EQ(fa->doc.text.substr(e.persian_span.begin, e.persian_span.size()), e.persian_term);
  }
  for (size_t i = 1; i < good.evidence.size(); ++i) {
    EXPECT_GE(good.evidence[i - 1].weight, good.evidence[i].weight);
  }
  bool speaker = std::any_of(good.evidence.begin(), good.evidence.end(),
                             [](const Evidence& e) { return e.kind == EvidenceKind::kSpeaker; });
  EXPECT_TRUE(speaker);
  // The features' contributions add up to the calibrated score.
  double z = 0;
  for (const FeatureContribution& c : good.contributions) z += c.contribution;
  EXPECT_NEAR(1 / (1 + std::exp(-z)), good.score, 1e-9);
  EXPECT_GE(good.contributions.size(), 9u);
}

// Each line one statement, kept alive for its features.
struct Lines {
  std::vector<std::unique_ptr<Doc>> docs;
  std::vector<StatementFeatures> Features(const std::vector<std::string>& lines, Language lang) {
    std::vector<StatementFeatures> out;
    for (const std::string& line : lines) {
      auto d = std::make_unique<Doc>();
      d->doc = {"d", lang, line, std::nullopt, ""};
      d->text = *Normalizer::Default().Normalize(d->doc.text, lang);
      d->statements.resize(1);
      d->statements[0].language = lang;
      d->statements[0].content_span = {0, static_cast<uint32_t>(line.size())};
      out.push_back(Aligner::Default().Featurize(d->doc, d->text, d->statements[0]));
      docs.push_back(std::move(d));
    }
    return out;
  }
};

// An English statement that merges two Persian sentences is linked to both.
TEST(AlignerTest, DocumentAlignmentLinksOneToTwo) {
  Lines lines;
  const auto en = lines.Features({"The minister announced new sanctions against the company, and wheat prices rose by ten percent last month.",
                                  "Floods destroyed hundreds of houses in the northern province."}, Language::kEnglish);
  const auto fa = lines.Features({"سیل صدها خانه را در استان شمالی ویران کرد.",
                                  "وزیر تحریم‌های جدیدی علیه این شرکت اعلام کرد.",
                                  "قیمت گندم ماه گذشته ده درصد افزایش یافت."}, Language::kPersian);
  const Alignment a = Aligner::Default().AlignDocuments(en, fa, 0.5);
  std::set<std::pair<size_t, size_t>> links;
  for (const ScoredPair& p : a.pairs) links.emplace(p.english, p.persian);
  EXPECT_EQ(links, (std::set<std::pair<size_t, size_t>>{{0, 1}, {0, 2}, {1, 0}}));
  EXPECT_TRUE(a.unmatched_english.empty());
  EXPECT_TRUE(a.unmatched_persian.empty());
}

// Several statements a side: the index finds each one's counterpart, and
// the margin keeps a statement that resembles all others from winning.
TEST(AlignerTest, RetrievalFindsEachCounterpart) {
  const std::vector<std::string> en_lines = {
      "The minister announced new sanctions against the company.",
      "Floods destroyed hundreds of houses in the northern province.",
      "The football team won the national championship on Friday.",
      "Doctors warned that the virus spreads quickly in crowded places.",
      "Wheat prices rose by ten percent last month."};
  const std::vector<std::string> fa_lines = {
      "پزشکان هشدار دادند که ویروس در مکان‌های شلوغ به سرعت گسترش می‌یابد.",
      "قیمت گندم ماه گذشته ده درصد افزایش یافت.",
      "وزیر تحریم‌های جدیدی علیه این شرکت اعلام کرد.",
      "تیم فوتبال روز جمعه قهرمانی کشور را به دست آورد.",
      "سیل صدها خانه را در استان شمالی ویران کرد."};
  Lines lines;
  std::vector<StatementFeatures> en = lines.Features(en_lines, Language::kEnglish);
  std::vector<StatementFeatures> fa = lines.Features(fa_lines, Language::kPersian);
  Aligner::ComputeIdf(&en, &fa);
  const Retrieval r = Aligner::Default().Retrieve(en, fa);
  EXPECT_EQ(r.best_persian, (std::vector<int64_t>{2, 4, 3, 0, 1}));
  EXPECT_EQ(r.best_english, (std::vector<int64_t>{3, 4, 0, 2, 1}));
  EXPECT_LT(r.candidate_pairs, 25u);  // never all pairs blindly: only those sharing something
}

TEST(AlignerTest, NumbersMustAgree) {
  auto en = Prepare("Moradi said: \"12 people were killed in the village.\"", Language::kEnglish);
  auto fa_same = Prepare("مرادی گفت: «۱۲ نفر در روستا کشته شدند.»", Language::kPersian);
  auto fa_other = Prepare("مرادی گفت: «۳۰ نفر در روستا کشته شدند.»", Language::kPersian);
  double same = Aligner::Default().Score(en->features[0], fa_same->features[0]).score;
  double other = Aligner::Default().Score(en->features[0], fa_other->features[0]).score;
  EXPECT_GT(same, other);
}

TEST(AlignerTest, DocumentAlignmentAllowsCrossingOrderAndUnmatched) {
  auto en = Prepare(
      "Rostami said: \"Trust between the two nations must be restored.\" "
      "Khan said: \"Both governments face strong pressure from voters.\" "
      "Malik said: \"We must take joint action against terrorism.\"",
      Language::kEnglish);
  auto fa = Prepare(
      "ملک گفت: «ما باید علیه تروریسم اقدام مشترک انجام دهیم.» "
      "رستمی گفت: «اعتماد میان دو ملت باید بازگردانده شود.»",
      Language::kPersian);
  Alignment a = Aligner::Default().AlignDocuments(en->features, fa->features, 0.5);
  ASSERT_EQ(a.pairs.size(), 2u);
  std::vector<std::pair<size_t, size_t>> got;
  for (const auto& p : a.pairs) got.emplace_back(p.english, p.persian);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::pair<size_t, size_t>>{{0, 1}, {2, 0}}));
  EXPECT_EQ(a.unmatched_english, std::vector<size_t>{1});
  EXPECT_TRUE(a.unmatched_persian.empty());
}

}  // namespace
}  // namespace quotematch

namespace quotematch {
namespace {

// Golden names: Persian names of people and places we wrote, with their
// usual English spellings (tests/data/translit_names.tsv). Every spelling
// must reduce to the Persian name's skeleton, word by word or as a whole.
TEST(TransliterationTest, GoldenNames) {
  auto t = NameSkeletons::Load(data::kTranslitFaLatin);
  ASSERT_TRUE(t.ok()) << t.status();
  std::string tsv;
  ASSERT_TRUE(ReadFileToString(std::string(QM_SOURCE_DIR) + "/tests/data/translit_names.tsv", &tsv));
  auto skeleton = [&](std::string_view text, Language lang) {
    auto n = Normalizer::Default().Normalize(text, lang);
    std::string out;
    if (!n.ok()) return out;
    for (const Token& tok : n->tokens) {
      if (tok.kind != TokenKind::kWord) continue;
      if (tok.key == "and" || tok.key == "of" || tok.key == "the") continue;  // و is a vowel letter
      out += lang == Language::kPersian ? (*t)->Persian(tok.key) : (*t)->English(tok.key);
    }
    return out;
  };
  int names = 0, spellings = 0, failed = 0;
  for (std::string_view line : Split(tsv, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string_view> f = Split(line, '\t');
    ASSERT_GE(f.size(), 3u) << line;
    if (f[2] == "exonym") continue;
    ++names;
    const std::string fa = skeleton(f[0], Language::kPersian);
    for (std::string_view en : Split(f[1], ',')) {
      ++spellings;
      const std::string sk = skeleton(en, Language::kEnglish);
      if (!SkeletonsMatch(fa, sk) && !(fa == sk && !fa.empty())) {
        ++failed;
        ADD_FAILURE() << f[0] << " (" << fa << ") vs " << en << " (" << sk << ")";
      }
    }
  }
  EXPECT_GE(names, 200);
  EXPECT_EQ(failed, 0) << failed << " of " << spellings << " spellings";
}

}  // namespace
}  // namespace quotematch
