// File: pipeline/engine.h
//
// Engine runs the whole pipeline — validate, normalize, extract, featurize,
// align — over domain structs. It is what the server, the CLI and batch jobs
// call; it knows nothing of gRPC.
//
//   Engine engine;                                     // embedded defaults
//   absl::StatusOr<AlignResult> r = engine.Align(english_doc, persian_doc, 0);
//   for (const PairResult& p : r->pairs) ...
//
//   MatchSession session(engine, 0);                   // one per stream
//   absl::StatusOr<SessionUpdate> u = session.Add(doc);   // new pairs, if any
//
// Errors are absl::Status with gRPC's code names and a message that names the
// offending field (`english.text: invalid UTF-8 at byte 17`):
//   INVALID_ARGUMENT    empty id or text, unspecified/mismatched language,
//                       invalid UTF-8, min_score outside [0, 1], duplicate id
//   RESOURCE_EXHAUSTED  text larger than EngineOptions::max_document_bytes
// Engine is immutable and thread-safe; MatchSession is not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "align/aligner.h"
#include "extract/extractor.h"
#include "extract/statement.h"
#include "normalize/normalizer.h"

namespace quotematch {

struct EngineOptions {
  // Score threshold used when a request asks for 0 (the default).
  double default_min_score = 0.5;
  // Largest document or Normalize text accepted, in bytes (default 1 MiB).
  size_t max_document_bytes = 1 << 20;
  // Longest document id accepted, in bytes.
  size_t max_id_bytes = 256;
  // Most statements one document may yield (RESOURCE_EXHAUSTED beyond:
  // alignment cost grows with their product).
  size_t max_statements_per_document = 1000;
};

// A document after normalization and extraction, with its statements
// prepared for scoring. Not copyable (features point into statements).
struct AnalyzedDocument {
  Document document;
  NormalizedText text;
  std::vector<Statement> statements;
  std::vector<StatementFeatures> features;  // parallel to statements

  AnalyzedDocument() = default;
  AnalyzedDocument(const AnalyzedDocument&) = delete;
  AnalyzedDocument& operator=(const AnalyzedDocument&) = delete;
};

// A matched pair, self-contained (statements copied).
struct PairResult {
  Statement english;
  Statement persian;
  double score = 0;
  std::vector<Evidence> evidence;
  std::vector<FeatureContribution> contributions;
};

struct AlignResult {
  std::vector<PairResult> pairs;  // by decreasing score
  std::vector<Statement> unmatched_english;
  std::vector<Statement> unmatched_persian;
};

class Engine {
 public:
  // An engine over the embedded default data.
  explicit Engine(EngineOptions options = {});
  Engine(EngineOptions options, const Normalizer& normalizer, const Extractor& extractor,
         const Aligner& aligner);

  const EngineOptions& options() const { return options_; }

  // Normalizes `text` (non-empty, at most max_document_bytes). `field` names
  // the text in error messages.
  absl::StatusOr<NormalizedText> Normalize(std::string_view text, Language language,
                                           std::string_view field = "text") const;

  // Validates `doc` (id, language, text); `field` prefixes error messages.
  absl::Status Validate(const Document& doc, std::string_view field) const;

  // Validates, normalizes and extracts `doc`.
  absl::StatusOr<std::vector<Statement>> Extract(const Document& doc,
                                                 std::string_view field = "document") const;

  // Validates, normalizes, extracts and featurizes `doc`.
  absl::StatusOr<std::unique_ptr<AnalyzedDocument>> Analyze(Document doc,
                                                            std::string_view field) const;

  // Normalizes `doc` and featurizes statements extracted from it earlier
  // (stored ones): no extraction, so an index rebuilt from a store scores
  // exactly the statements that were acknowledged.
  absl::StatusOr<std::unique_ptr<AnalyzedDocument>> Reanalyze(Document doc,
                                                              std::vector<Statement> statements) const;

  // Aligns one English and one Persian document. `min_score` 0 uses the
  // default; otherwise it must be in (0, 1].
  absl::StatusOr<AlignResult> Align(Document english, Document persian, double min_score) const;

  // The threshold to use for a requested `min_score` (see Align), or
  // INVALID_ARGUMENT naming `field`.
  absl::StatusOr<double> ResolveMinScore(double min_score, std::string_view field) const;

  const Aligner& aligner() const { return aligner_; }

 private:
  // Validate without the scan of the text's encoding, which normalization
  // does anyway.
  absl::Status ValidateFields(const Document& doc, std::string_view field) const;
  // RESOURCE_EXHAUSTED naming `field`.text past max_statements_per_document.
  absl::Status CheckStatementCount(size_t count, std::string_view field) const;

  EngineOptions options_;
  const Normalizer& normalizer_;
  const Extractor& extractor_;
  const Aligner& aligner_;
};

struct SessionUpdate {
  std::string document_id;
  size_t statement_count = 0;
  std::vector<PairResult> new_pairs;  // by decreasing score
};

// A MatchStream session: documents arrive one at a time in either language;
// each new statement is scored against every unpaired statement of the other
// language already in the session, and pairs above the threshold are taken
// greedily. A statement is paired at most once per session.
class MatchSession {
 public:
  // `min_score` as for Engine::Align, already resolved.
  MatchSession(const Engine& engine, double min_score) : engine_(engine), min_score_(min_score) {}

  // Adds a document; `field` names it in errors. Fails on an invalid document
  // or an id already in the session; the session is unchanged on failure.
  absl::StatusOr<SessionUpdate> Add(Document doc, std::string_view field = "document");

  size_t document_count() const { return documents_.size(); }

 private:
  struct Ref {
    size_t doc;
    size_t statement;
  };
  const Engine& engine_;
  const double min_score_;
  std::vector<std::unique_ptr<AnalyzedDocument>> documents_;
  absl::flat_hash_set<std::string> ids_;
  absl::flat_hash_set<std::string> paired_;  // statement ids
};

}  // namespace quotematch
