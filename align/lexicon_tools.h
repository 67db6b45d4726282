// File: align/lexicon_tools.h
//
// What quotematch-lexicon does with parallel text, as a library:
//
//  * Coverage(): for line-aligned English/Persian text, the share of English
//    content tokens (stopwords, names and numbers excluded) the lexicon has
//    no entry for (oov), and the share whose translation occurs, after
//    lemmatization, in the paired Persian line (hit); misses by category.
//  * TrainModel1(): IBM Model 1 (EM) over lemmatized parallel text in both
//    directions; proposes the pairs both directions agree on as TSV lines a
//    person reviews before adding them to data/lexicon/.
//
//   const Aligner& a = Aligner::Default();
//   CoverageReport r = Coverage(a, english_lines, persian_lines);
//   std::vector<Proposal> p = TrainModel1(a, english_lines, persian_lines, {});
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "align/aligner.h"

namespace quotematch {

struct CoverageReport {
  size_t lines = 0;
  size_t content_tokens = 0;
  size_t with_entry = 0;   // some entry covers the token (alone or in a phrase)
  size_t hits = 0;         // and its Persian side occurs in the paired line
  double oov() const { return content_tokens ? 1.0 - double(with_entry) / content_tokens : 0; }
  double hit() const { return content_tokens ? double(hits) / content_tokens : 0; }
  // (category, count), most frequent first: "oov: derived noun (-tion/-ment/...)",
  // "miss: verb entry, translation not in line", ...
  // Categories only, never the words: the text measured may not be ours.
  std::vector<std::pair<std::string, size_t>> misses;
};

// Lines are paired by index; extra lines on one side are ignored.
CoverageReport Coverage(const Aligner& aligner, const std::vector<std::string>& english,
                        const std::vector<std::string>& persian);

struct TrainOptions {
  int iterations = 8;
  int min_count = 2;          // both words seen at least this often
  double min_probability = 0.2;   // t(f|e) and t(e|f) each
};

struct Proposal {
  std::string english;   // lemma
  std::string persian;   // lemma (key form)
  std::string pos;       // verb if the Persian lemma is an infinitive, else noun
  double p_fe = 0, p_ef = 0;   // t(f|e), t(e|f)
  int count = 0;               // co-occurring lines
  bool known = false;          // the lexicon already has this pair
};

std::vector<Proposal> TrainModel1(const Aligner& aligner, const std::vector<std::string>& english,
                                  const std::vector<std::string>& persian, const TrainOptions& options);

// Lemmatized content words of a line, as the tools see them.
std::vector<std::string> EnglishContentLemmas(const Aligner& aligner, std::string_view line);
std::vector<std::string> PersianContentLemmas(const Aligner& aligner, std::string_view line);

}  // namespace quotematch
