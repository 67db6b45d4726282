// File: align/aligner.h
//
// Aligner scores (English statement, Persian statement) pairs and aligns the
// statements of two documents.
//
// Features of a pair (computed from the normalized, lemmatized statements):
//   coverage_en    idf share of English units (words and phrases, through
//                  the lexicon) whose Persian translation is present, and of
//                  names matched by transliteration skeleton
//   coverage_fa    idf share of Persian words those matches used
//   names          names (and words the lexicon lacks) matched by skeleton
//   numbers        numbers and dates with the same value; number_conflict
//   length         content-word and character length ratios
//   speaker        +1 / -1 when both speakers are known, 0 otherwise
// The score is a calibrated logistic of a weighted sum (ScoreWeights); every
// pair carries its evidence (spans of what matched what) and each feature's
// contribution. Retrieve() finds counterparts among many statements through
// inverted indexes and margin; AlignDocuments() aligns two documents.
//
//   const Aligner& a = Aligner::Default();
//   StatementFeatures en = a.Featurize(en_doc, en_text, en_statement);
//   StatementFeatures fa = a.Featurize(fa_doc, fa_text, fa_statement);
//   ScoredPair p = a.Score(en, fa);
//   Alignment all = a.AlignDocuments(en_features, fa_features, /*min_score=*/0.5);
//   Aligner::ComputeIdf(&english, &persian);
//   Retrieval r = a.Retrieve(english, persian);   // r.best_persian[i], r.best_english[j]
//
// An Aligner is immutable and thread-safe after Load(). docs/alignment.md
// describes the features, the score, retrieval and document alignment.
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

// Parameters of the score's logistic model, in log-odds units. Where they
// come from: set by hand on our own articles (examples/), then adjusted by
// looking at quotematch-eval retrieval/docalign on the shared FLORES and
// TICO-19 pairs (allowed for a handful of numeric parameters; docs/alignment.md).
struct ScoreWeights {
  double bias = -6.0;             // a pair with nothing in common
  double coverage_en = 6.0;       // all English content weight matched (idf-weighted)
  double coverage_fa = 4.0;       // all Persian content weight matched
  double per_name = 1.0;          // each name matched across scripts, up to 3
  double per_number = 1.2;        // each number or date with the same value, up to 3
  double number_conflict = -1.5;  // both sides have numbers, none agree
  double length = -1.0;           // per unit of |log(content words en / fa)|
  // Character lengths: log(en chars / fa chars) is about normal with this mean
  // and spread (measured on the shared FLORES and TICO-19 pairs); the score
  // loses char_length per squared spread unit (capped at 9).
  double char_log_mean = 0.065, char_log_sd = 0.15, char_length = -0.15;
  double speaker = 1.0;           // speaker agreement (+1 / -1)
  int margin_k = 2;               // competitors averaged for the margin
  // Calibration: P(match) = logistic(scale * log_odds + shift), fitted by
  // quotematch-eval docalign --calibrate on the shared FLORES documents.
  double calibration_scale = 1.0, calibration_shift = 2.94;
};

enum class EvidenceKind { kLexical = 1, kName = 2, kNumber = 3, kSpeaker = 4, kDate = 5 };

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
  float weight = 1;                  // idf of its lemma (Persian content terms)
};

// An English content word or phrase the lexicon knows: the terms it covers
// and the Persian it may be translated by.
struct MatchUnit {
  uint32_t first = 0, last = 0;      // term indices, inclusive
  uint32_t alternatives = 0;         // (index of its first alternative in slot_counts << 8) | count (≤ 16)
  std::string key;                   // the lemma or phrase, for its idf
  float weight = 1;
};

// A Persian form one alternative's slot needs (English side), sorted by form.
struct ConceptRef {
  uint32_t form = 0;        // lexicon word id
  uint16_t unit = 0;
  uint8_t alternative = 0;
  uint8_t slot = 0;         // kJoinedSlot: the whole Persian side written solid
};

// A lexicon form a Persian term may stand for, sorted by form.
struct FormRef {
  uint32_t form = 0;
  uint32_t term = 0;
};

struct KeyRef {              // a name skeleton hash or a number/date value key
  uint64_t key = 0;
  uint32_t term = 0;
  bool date = false;
};

struct StatementFeatures {
  // What the pair scorer reads of a Persian statement comes first, in the
  // struct's first two cache lines (retrieval prefetches them).
  Language language = Language::kUnspecified;
  uint32_t chars = 0;                    // code points of the content
  float content_weight = 0;              // total weight (idf) of the content words
  size_t content_words = 0;              // non-stopword words
  std::vector<float> term_weights;       // terms[i].weight, packed for the scorer
  std::vector<FormRef> forms;            // Persian
  std::vector<KeyRef> names;             // sorted by key
  std::vector<KeyRef> numbers;           // sorted by key
  std::vector<std::string> speaker_skeletons;
  // English
  std::vector<MatchUnit> units;
  std::vector<uint8_t> slot_counts;      // per (unit, alternative): required slots
  std::vector<ConceptRef> concepts;
  // Both
  const Statement* statement = nullptr;  // not owned
  std::string_view document_text;        // original text; not owned
  std::vector<StatementTerm> terms;      // in text order
};

// One feature's part in a pair's score: its value and what it added to the
// log-odds (the bias and the calibration shift are features too).
struct FeatureContribution {
  std::string feature;   // coverage_en, coverage_fa, names, numbers, number_conflict, length, char_length, speaker, bias, calibration
  double value = 0;
  double contribution = 0;
};

struct ScoredPair {
  size_t english = 0;   // index into the English features
  size_t persian = 0;   // index into the Persian features
  double score = 0;     // in [0, 1]
  double log_odds = 0;
  std::vector<Evidence> evidence;  // strongest first
  std::vector<FeatureContribution> contributions;
};

// Features of one pair, before weighting.
struct PairFeatures {
  double coverage_en = 0, coverage_fa = 0;
  int names = 0, numbers = 0;
  bool number_conflict = false;
  double length = 0;     // |log(en / fa content words)|
  double char_length = 0;   // squared spread units of the character-length ratio
  int speaker = 0;
};

struct Alignment {
  std::vector<ScoredPair> pairs;            // by decreasing score
  std::vector<size_t> unmatched_english;    // indices, in document order
  std::vector<size_t> unmatched_persian;
};

// For each statement on one side, its best counterpart on the other.
struct Retrieval {
  std::vector<int64_t> best_persian;   // per English statement (-1: none)
  std::vector<int64_t> best_english;   // per Persian statement
  size_t candidate_pairs = 0;          // pairs scored
  // Wall time of each phase, in milliseconds.
  double index_ms = 0, candidates_ms = 0, scoring_ms = 0, margin_ms = 0;
};

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

  // Sets every unit's and term's weight to the idf of its lemma over these
  // statements (both sides). Without it all weights are 1.
  static void ComputeIdf(std::vector<StatementFeatures>* english, std::vector<StatementFeatures>* persian);

  // Scores one pair; `english` and `persian` must come from Featurize().
  // The fast path (no evidence) is what retrieval runs on every candidate.
  ScoredPair Score(const StatementFeatures& english, const StatementFeatures& persian) const;
  double LogOdds(const StatementFeatures& english, const StatementFeatures& persian,
                 PairFeatures* features = nullptr) const;
  double Calibrate(double log_odds) const;

  // Many statements on both sides: candidates from an inverted index over
  // concepts, names and numbers (never all pairs), scored, then ranked by
  // margin against each side's nearest competitors.
  Retrieval Retrieve(const std::vector<StatementFeatures>& english,
                     const std::vector<StatementFeatures>& persian) const;

  // Alignment of two documents' statements: a globally consistent
  // assignment by margin-adjusted score (crossing order allowed), then
  // one-to-two links where one statement of a side is covered by two of the
  // other, and statements left without a counterpart; pairs below
  // `min_score` are dropped.
  Alignment AlignDocuments(const std::vector<StatementFeatures>& english,
                           const std::vector<StatementFeatures>& persian, double min_score) const;

  const Lexicon& lexicon() const { return *lexicon_; }
  const ScoreWeights& weights() const { return weights_; }
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
