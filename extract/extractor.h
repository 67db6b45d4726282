// File: extract/extractor.h
//
// Extractor finds the statements of a normalized news document, English or
// Persian, with their speakers:
//   - direct quotes in “…”, "…", ``…'' or «…» marks, of at least three
//     words: nested single quotes stay inside; a quote interrupted by its
//     attribution ("A," he said, "B.") is one statement in two parts; a
//     quote over several paragraphs (each opens a mark, only the last
//     closes) is one statement with a part per paragraph; a quote inside a
//     running sentence ("called them “deplorable”") is a fragment of that
//     sentence's reported statement, not a statement;
//   - colon speech: a reporting verb, a colon and unmarked speech to the end
//     of the paragraph (X گفت: ..., X said: ...);
//   - reported speech: X said (that) ..., X told Reuters ..., ..., X said.,
//     X گفت که ..., and the clause of "با بیان اینکه A، گفت: B";
//   - attributions without a verb: according to X, به گفته X، به نوشته X،
//     به نقل از X (when no verb follows).
// Each statement gets its cue (reporting verb), its speaker phrase and the
// canonical name with titles and roles split off ("Foreign Office
// Spokesperson Mumtaz Zahra Baloch" → name "Mumtaz Zahra Baloch", role
// "Foreign Office Spokesperson"). Pronouns resolve to the last compatible
// named speaker; an unresolved pronoun or a description ("an official")
// leaves the name empty with the status saying why. Outlet leads (به گزارش
// ایرنا، ...) and datelines (خبرگزاری فارس:) are never speakers or speech.
//
//   const Extractor& x = Extractor::Default();
//   ASSIGN_OR_RETURN(NormalizedText t, Normalizer::Default().Normalize(doc.text, doc.language));
//   std::vector<Statement> statements = x.Extract(doc, t);
//
// Cue verbs, pronouns, attribution phrases, titles and abbreviations are
// data (data/extract/). An Extractor is immutable and thread-safe.
//
// Robustness: an unbalanced quote mark is ignored; it never takes text past
// the end of its paragraph. Any input gives a result, possibly empty.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "extract/statement.h"
#include "normalize/types.h"

namespace quotematch {

// The data files an Extractor is built from (contents, not paths).
struct ExtractorData {
  std::string_view cues_en;            // data/extract/cues_en.tsv
  std::string_view cues_fa;            // data/extract/cues_fa.tsv
  std::string_view pronouns;           // data/extract/pronouns.tsv
  std::string_view speaker_stops_fa;   // data/extract/speaker_stops_fa.txt
  std::string_view speaker_skip_en;    // data/extract/speaker_skip_en.txt
  std::string_view attributions;       // data/extract/attributions.tsv
  std::string_view titles_en;          // data/extract/titles_en.tsv
  std::string_view titles_fa;          // data/extract/titles_fa.tsv
  std::string_view abbreviations_en;   // data/extract/abbreviations_en.txt
};

// "direct", "colon", "reported" or "according-to" (the annotation names).
std::string_view StatementKindName(StatementKind kind);

// A speaker name as annotations compare it: the match keys of its words
// and numbers, space-separated; "-" (no speaker) and "" give "".
std::string NameKey(std::string_view name, Language language);

class Extractor {
 public:
  // Validates and compiles the data. Errors name the file and line.
  static absl::StatusOr<std::unique_ptr<Extractor>> Load(const ExtractorData& data);
  // The embedded data/extract files.
  static ExtractorData EmbeddedData();
  // An Extractor over the embedded data.
  static const Extractor& Default();

  Extractor(const Extractor&) = delete;
  Extractor& operator=(const Extractor&) = delete;

  // Statements of `doc` in document order. `text` must be the normalization
  // of doc.text. Never fails: text without statements gives an empty vector.
  std::vector<Statement> Extract(const Document& doc, const NormalizedText& text) const;

  // Number of cue forms known for `language`.
  size_t CueCount(Language language) const;

  // Word classes of speaker phrases (titles_*.tsv).
  enum class WordClass : uint8_t { kNone, kTitle, kRole, kModifier, kOrg, kPlace, kConnector, kDeterminer };
  enum class Referent : uint8_t { kPerson, kGroup };
  enum class AttributionRole : uint8_t { kAccording, kLead, kSource, kClause };

 private:
  struct Cue {
    std::vector<std::string> tokens;  // match-key tokens
    std::string lemma;
    bool object = false;              // an addressee may follow ("told Reuters")
    bool that_only = false;           // speech only with "that" ("confirmed that")
  };
  struct Phrase {
    std::vector<std::string> tokens;
    AttributionRole role;
  };
  Extractor() = default;

  std::vector<Cue> cues_en_, cues_fa_;          // longest first
  std::vector<Phrase> phrases_en_, phrases_fa_;  // longest first
  // Indices into the lists above by their first (and, for cues, last)
  // token, longest first.
  using Index = absl::flat_hash_map<std::string, std::vector<uint32_t>>;
  Index cue_first_en_, cue_first_fa_, cue_last_en_, cue_last_fa_, phrase_first_en_, phrase_first_fa_;
  // Everything known of one word, for one lookup per token.
  struct WordFacts {
    WordClass word_class = WordClass::kNone;
    bool pronoun = false;
    bool skip = false;                                  // speaker_skip_en / speaker_stops_fa
    const std::vector<uint32_t>* cues = nullptr;        // cues starting with it
    const std::vector<uint32_t>* phrases = nullptr;     // attribution phrases starting with it
  };
  absl::flat_hash_map<std::string, WordFacts> facts_en_, facts_fa_;
  absl::flat_hash_map<std::string, Referent> pronouns_en_, pronouns_fa_;
  absl::flat_hash_set<std::string> speaker_stops_fa_;
  absl::flat_hash_set<std::string> speaker_skip_en_;
  absl::flat_hash_map<std::string, WordClass> titles_en_, titles_fa_;
  absl::flat_hash_set<std::string> abbreviations_en_;

  friend class ExtractRun;
};

}  // namespace quotematch
