// File: align/aligner.h
//
// Aligner scores (English statement, Persian statement) pairs and aligns the
// statements of two documents.
//
// Features of a pair (computed from the normalized tokens of each statement):
//   coverage_en  share of English content words matched in the Persian
//                statement, by the lexicon (after lemmatizing both sides) or
//                as names (transliteration skeletons)
//   coverage_fa  share of Persian content words matched likewise
//   names        names matched across scripts
//   numbers      numbers with the same value on both sides
//   speaker      +1 when both speakers are known and match, -1 when both are
//                known and differ, 0 otherwise
// The score is a logistic function of a weighted sum (ScoreWeights). Every
// pair carries its evidence: which English term matched which Persian term.
//
//   const Aligner& a = Aligner::Default();
//   StatementFeatures en = a.Featurize(en_doc, en_text, en_statement);
//   StatementFeatures fa = a.Featurize(fa_doc, fa_text, fa_statement);
//   ScoredPair p = a.Score(en, fa);
//   Alignment all = a.AlignDocuments(en_features, fa_features, /*min_score=*/0.5);
//
// An Aligner is immutable and thread-safe after Load(). Issue 5 deepens the
// features, calibrates the score and adds retrieval over many documents.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "align/lexicon.h"
#include "align/morphology.h"
#include "align/transliteration.h"
#include "extract/statement.h"
#include "normalize/types.h"

namespace quotematch {

// Weights of the score's logistic model, in log-odds units. Defaults were
// set by hand on examples/ (our own articles); none is tuned on shared data.
struct ScoreWeights {
  double bias = -5.0;         // a pair with nothing in common
  double coverage_en = 5.0;   // all English content words matched
  double coverage_fa = 4.0;   // all Persian content words matched
  double per_name = 0.8;      // each name matched, up to 3
  double per_number = 1.2;    // each number matched, up to 3
  double number_conflict = -1.5;  // both sides have numbers, none agree
  double speaker = 1.0;       // speaker agreement (+1/-1)
};

enum class EvidenceKind { kLexical = 1, kName = 2, kNumber = 3, kSpeaker = 4 };

struct Evidence {
  EvidenceKind kind = EvidenceKind::kLexical;
  std::string english_term;   // as written in the English original
  Span english_span;
  std::string persian_term;   // as written in the Persian original
  Span persian_span;
  double weight = 0;          // contribution in log-odds units
};

// One word or number of a statement, prepared for matching.
struct StatementTerm {
  std::string written;               // as in the original text
  Span span;                         // in the original text
  std::string key;                   // match key
  std::vector<std::string> forms;    // lemma candidates (en) or stem candidates (fa)
  std::string skeleton;              // name skeleton
  bool capitalized = false;
  bool stopword = false;
  bool is_number = false;
  double number = 0;
};

// A statement prepared for scoring; computed once, scored many times.
struct StatementFeatures {
  const Statement* statement = nullptr;  // not owned
  std::string_view document_text;        // original text; not owned
  Language language = Language::kUnspecified;
  std::vector<StatementTerm> terms;      // in text order
  size_t content_words = 0;              // non-stopword words
  std::vector<std::string> speaker_skeletons;
  // Persian only: stem candidate (and joined neighbour pair) → term index.
  absl::flat_hash_map<std::string, uint32_t> form_index;
};

struct ScoredPair {
  size_t english = 0;   // index into the English features
  size_t persian = 0;   // index into the Persian features
  double score = 0;     // in [0, 1]
  std::vector<Evidence> evidence;  // strongest first
};

struct Alignment {
  std::vector<ScoredPair> pairs;            // by decreasing score
  std::vector<size_t> unmatched_english;    // indices, in document order
  std::vector<size_t> unmatched_persian;
};

// The data files an Aligner is built from (contents, not paths).
struct AlignerData {
  std::vector<LexiconSource> lexicon;  // data/lexicon/<domain>.tsv
  std::string_view english_irregular;
  std::string_view persian_verbs;      // data/lexicon/fa_verbs.tsv
  std::string_view broken_plurals;     // data/lexicon/fa_broken_plurals.tsv
  std::string_view not_plural;         // data/normalize/fa_not_plural.txt
  std::string_view stopwords_en;
  std::string_view stopwords_fa;
  std::string_view translit;         // data/translit/fa_latin.tsv
};

class Aligner {
 public:
  static absl::StatusOr<std::unique_ptr<Aligner>> Load(const AlignerData& data,
                                                       ScoreWeights weights = {},
                                                       LexiconOptions options = {});
  // The embedded data files (data/), as compiled into the binaries.
  static AlignerData EmbeddedData();
  // An Aligner over the embedded data files and default weights.
  static const Aligner& Default();

  Aligner(const Aligner&) = delete;
  Aligner& operator=(const Aligner&) = delete;

  // Prepares `statement` of `doc` (normalized as `text`) for scoring. The
  // returned value points at `statement`, which must outlive it.
  StatementFeatures Featurize(const Document& doc, const NormalizedText& text,
                              const Statement& statement) const;

  // Scores one pair; `english` and `persian` must come from Featurize().
  ScoredPair Score(const StatementFeatures& english, const StatementFeatures& persian) const;

  // One-to-one alignment of two documents' statements: every pair scoring at
  // least `min_score`, taken greedily by decreasing score (crossing order is
  // allowed; a statement may stay unmatched).
  Alignment AlignDocuments(const std::vector<StatementFeatures>& english,
                           const std::vector<StatementFeatures>& persian, double min_score) const;

  const Lexicon& lexicon() const { return *lexicon_; }
  const EnglishLemmatizer& english() const { return *english_; }
  const PersianStemmer& persian() const { return *persian_; }

 private:
  Aligner() = default;
  ScoreWeights weights_;
  std::unique_ptr<EnglishLemmatizer> english_;
  std::unique_ptr<PersianStemmer> persian_;
  std::unique_ptr<Lexicon> lexicon_;
  std::unique_ptr<NameSkeletons> skeletons_;
};

}  // namespace quotematch
