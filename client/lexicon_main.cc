// quotematch-lexicon: the bilingual lexicon's own tool. See kUsage.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "align/aligner.h"
#include "align/lexicon_tools.h"
#include "base/file.h"
#include "base/strings.h"
#include "base/utf8.h"
#include "normalize/normalizer.h"
#include "normalize/unicode.h"

namespace quotematch {
namespace {

constexpr char kUsage[] = R"usage(usage: quotematch-lexicon COMMAND [OPTIONS] [ARGS]

Commands:
  validate [FILE.tsv ...]      check lexicon files (default: the embedded ones)
  compile -o OUT [FILE.tsv ...]
                               compile to a binary cache (magic QMLEX, version)
  stats [--cache FILE] [FILE.tsv ...]
                               counts by kind, file, domain and part of speech;
                               load time and memory
  lookup [--cache FILE] WORD|PHRASE ...
                               entries for an English or Persian word, both
                               directions, with the lemma path
  coverage --en FILE --fa FILE line-aligned parallel text: share of English
                               content tokens with no entry, and share whose
                               translation is in the paired Persian line; last
                               line "oov: 0.xxxx hit: 0.xxxx"
  train --en FILE --fa FILE [--iterations N] [--min-count N] [--min-prob P] [-o OUT]
                               IBM Model 1 both directions over lemmatized
                               text; proposes new entries (both directions
                               agree) as TSV for review

FILE.tsv arguments replace the embedded lexicon files (morphology data stays
embedded). Exit codes: 0 success, 1 invalid data, 2 usage or input error.
)usage";

int Usage(const std::string& error) {
  std::fprintf(stderr, "quotematch-lexicon: %s\n\n%s", error.c_str(), kUsage);
  return 2;
}

double Ms(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

long MaxRssKb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

long CurrentRssKb() {
  std::ifstream in("/proc/self/statm");
  long pages = 0, resident = 0;
  in >> pages >> resident;
  return resident * 4;
}

struct Options {
  std::vector<std::string> positional;
  std::string cache, output, en, fa;
  TrainOptions train;
};

bool ParseOptions(std::vector<std::string> args, Options* o, std::string* error) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= args.size()) {
        *error = StrCat(a, " needs a value");
        return false;
      }
      *out = args[++i];
      return true;
    };
    std::string v;
    if (a == "--cache") {
      if (!value(&o->cache)) return false;
    } else if (a == "-o" || a == "--output") {
      if (!value(&o->output)) return false;
    } else if (a == "--en") {
      if (!value(&o->en)) return false;
    } else if (a == "--fa") {
      if (!value(&o->fa)) return false;
    } else if (a == "--iterations" || a == "--min-count" || a == "--min-prob") {
      if (!value(&v)) return false;
      double d = 0;
      if (!ParseDouble(v, &d) || d < 0) {
        *error = StrCat(a, ": not a non-negative number: '", v, "'");
        return false;
      }
      if (a == "--iterations") o->train.iterations = static_cast<int>(d);
      if (a == "--min-count") o->train.min_count = static_cast<int>(d);
      if (a == "--min-prob") o->train.min_probability = d;
    } else if (a.size() > 1 && a[0] == '-') {
      *error = StrCat("unknown option '", a, "'");
      return false;
    } else {
      o->positional.push_back(a);
    }
  }
  return true;
}

// The aligner over the embedded data, or over the given lexicon files.
absl::StatusOr<std::unique_ptr<Aligner>> LoadAligner(const std::vector<std::string>& files,
                                                    std::vector<std::string>* texts,
                                                    std::vector<std::string>* errors = nullptr) {
  AlignerData data = Aligner::EmbeddedData();
  if (!files.empty()) {
    data.lexicon.clear();
    texts->resize(files.size());
    for (size_t i = 0; i < files.size(); ++i) {
      if (!ReadFileToString(files[i], &(*texts)[i])) return absl::NotFoundError(StrCat("cannot read ", files[i]));
      data.lexicon.push_back({files[i], (*texts)[i]});
    }
  }
  return Aligner::Load(data, {}, {.generated = true, .errors = errors});
}

void PrintStats(const Lexicon& lex) {
  const LexiconStats s = lex.Stats();
  std::printf("entries: %zu\n", s.entries);
  std::printf("english lemmas: %zu\n", s.english_lemmas);
  std::printf("persian lemmas: %zu\n", s.persian_lemmas);
  std::printf("multi-word expressions (English side, not names): %zu\n", s.multiword);
  std::printf("compound verbs (Persian side): %zu\n", s.compound_verbs);
  std::printf("named entities: %zu\n", s.names);
  std::printf("english headwords with several Persian renderings: %zu\n", s.synonyms);
  std::printf("generated from ICU/CLDR: %zu\n", s.generated);
  std::printf("by file:\n");
  for (const auto& [name, n] : s.by_source) std::printf("  %-22s %6zu\n", name.c_str(), n);
  std::printf("by domain:\n");
  for (const auto& [name, n] : s.by_domain) std::printf("  %-22s %6zu\n", name.c_str(), n);
  std::printf("by part of speech:\n");
  for (const auto& [name, n] : s.by_pos) {
    if (n) std::printf("  %-22s %6zu\n", name.c_str(), n);
  }
}

int Validate(const Options& o) {
  std::vector<std::string> texts, errors;
  auto a = LoadAligner(o.positional, &texts, &errors);
  for (const std::string& e : errors) std::fprintf(stderr, "%s\n", e.c_str());
  if (!a.ok()) {
    std::fprintf(stderr, "quotematch-lexicon: %s\n", std::string(a.status().message()).c_str());
    return 1;
  }
  std::printf("ok: %zu entries\n", (*a)->lexicon().size());
  return 0;
}

int Compile(const Options& o) {
  if (o.output.empty()) return Usage("compile needs -o OUT");
  std::vector<std::string> texts;
  const auto start = std::chrono::steady_clock::now();
  auto a = LoadAligner(o.positional, &texts);
  if (!a.ok()) {
    std::fprintf(stderr, "quotematch-lexicon: %s\n", std::string(a.status().message()).c_str());
    return 1;
  }
  const double compile_ms = Ms(std::chrono::steady_clock::now() - start);
  const std::string bytes = (*a)->lexicon().Serialize();
  std::ofstream out(o.output, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::fprintf(stderr, "quotematch-lexicon: cannot write %s\n", o.output.c_str());
    return 2;
  }
  std::printf("wrote %s: %zu entries, %zu bytes (compiled from TSV in %.1f ms)\n", o.output.c_str(),
              (*a)->lexicon().size(), bytes.size(), compile_ms);
  return 0;
}

int Stats(const Options& o) {
  const long rss_before = CurrentRssKb();
  const auto start = std::chrono::steady_clock::now();
  std::unique_ptr<Lexicon> cached;
  std::unique_ptr<Aligner> aligner;
  std::vector<std::string> texts;
  std::string bytes;
  if (!o.cache.empty()) {
    if (!ReadFileToString(o.cache, &bytes)) return Usage(StrCat("cannot read ", o.cache));
    auto lex = Lexicon::Deserialize(bytes);
    if (!lex.ok()) {
      std::fprintf(stderr, "quotematch-lexicon: %s: %s\n", o.cache.c_str(), std::string(lex.status().message()).c_str());
      return 1;
    }
    cached = std::move(*lex);
    bytes.clear();
    bytes.shrink_to_fit();
  } else {
    auto a = LoadAligner(o.positional, &texts);
    if (!a.ok()) {
      std::fprintf(stderr, "quotematch-lexicon: %s\n", std::string(a.status().message()).c_str());
      return 1;
    }
    aligner = std::move(*a);
  }
  const double load_ms = Ms(std::chrono::steady_clock::now() - start);
  const Lexicon& lex = cached ? *cached : aligner->lexicon();
  PrintStats(lex);
  std::printf("load: %.1f ms (%s)\n", load_ms, cached ? "binary cache" : "compiled from TSV, with morphology");
  std::printf("memory: compiled lexicon %.1f MiB; process resident %+.1f MiB while loading (max RSS %.1f MiB)\n",
              lex.MemoryBytes() / 1048576.0, (CurrentRssKb() - rss_before) / 1024.0, MaxRssKb() / 1024.0);
  return 0;
}

bool IsPersian(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    if (unicode::IsArabicScript(DecodeUtf8(s, &i))) return true;
  }
  return false;
}

void PrintEntry(const Lexicon& lex, uint32_t id) {
  const LexiconEntry& e = lex.entry(id);
  std::printf("    %s ↔ %s  [%s, %s, %.2f] %s:%u\n", std::string(lex.english(e)).c_str(),
              std::string(lex.persian(e)).c_str(), std::string(PartOfSpeechName(e.pos)).c_str(),
              lex.domains()[e.domain].c_str(), e.weight, lex.sources()[e.source].c_str(), e.line);
}

int Lookup(const Options& o) {
  if (o.positional.empty()) return Usage("lookup needs a WORD");
  std::vector<std::string> texts;
  auto loaded = LoadAligner({}, &texts);
  if (!loaded.ok()) {
    std::fprintf(stderr, "quotematch-lexicon: %s\n", std::string(loaded.status().message()).c_str());
    return 1;
  }
  const Aligner& a = **loaded;
  const Lexicon& lex = a.lexicon();
  int found = 0;
  for (const std::string& query : o.positional) {
    const bool fa = IsPersian(query);
    auto n = Normalizer::Default().Normalize(query, fa ? Language::kPersian : Language::kEnglish);
    if (!n.ok()) return Usage(StrCat("'", query, "': ", n.status().message()));
    std::vector<std::string> words;
    for (const Token& t : n->tokens) {
      if (t.kind == TokenKind::kWord || t.kind == TokenKind::kNumber) words.push_back(t.key);
    }
    if (words.empty()) return Usage(StrCat("'", query, "' has no words"));
    std::printf("%s (%s)\n", query.c_str(), fa ? "Persian" : "English");
    if (fa) {
      std::string solid;
      for (const std::string& w : words) solid += w;
      std::vector<std::string> forms{solid};
      for (const WordAnalysis& an : a.persian().Analyze(solid)) {
        std::printf("  lemma %s%s%s%s\n", an.lemma.c_str(), an.path.empty() ? "" : "  ← ", an.path.c_str(),
                    an.known ? "" : "  (not in the lexicon)");
        forms.push_back(an.lemma);
      }
      if (words.size() > 1) forms.push_back(words[0]);
      std::vector<uint32_t> seen;
      for (const std::string& f : forms) {
        for (uint32_t id : lex.PersianEntries(f)) {
          if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
          seen.push_back(id);
          PrintEntry(lex, id);
          ++found;
        }
      }
    } else {
      std::vector<std::vector<std::string>> candidates;
      for (const std::string& w : words) {
        if (words.size() == 1) {
          for (const WordAnalysis& an : a.english().Analyze(w)) {
            std::printf("  lemma %s%s%s%s\n", an.lemma.c_str(), an.path.empty() ? "" : "  ← ", an.path.c_str(),
                        an.known ? "" : "  (not in the lexicon)");
          }
        }
        candidates.push_back(a.english().Candidates(w));
      }
      for (const LexiconMatch& m : lex.MatchEnglish(candidates)) {
        std::printf("  match tokens [%u, %u)\n", m.begin, m.begin + m.length);
        for (uint32_t id : m.entries) {
          PrintEntry(lex, id);
          ++found;
        }
      }
      if (words.size() == 1) {
        size_t shown = 0;
        for (const std::string& c : candidates[0]) {
          for (uint32_t id : lex.EntriesStartingWith(c)) {
            if (lex.entry(id).word_count < 2 || shown >= 10) continue;
            if (shown++ == 0) std::printf("  phrases starting with it:\n");
            PrintEntry(lex, id);
          }
        }
      }
    }
  }
  return found > 0 ? 0 : 1;
}

int CoverageCommand(const Options& o) {
  if (o.en.empty() || o.fa.empty()) return Usage("coverage needs --en FILE and --fa FILE");
  std::vector<std::string> en, fa, texts;
  if (!ReadLines(o.en, &en)) return Usage(StrCat("cannot read ", o.en));
  if (!ReadLines(o.fa, &fa)) return Usage(StrCat("cannot read ", o.fa));
  if (en.size() != fa.size()) {
    std::fprintf(stderr, "quotematch-lexicon: warning: %zu English and %zu Persian lines; pairing the first %zu\n",
                 en.size(), fa.size(), std::min(en.size(), fa.size()));
  }
  auto a = LoadAligner(o.positional, &texts);
  if (!a.ok()) {
    std::fprintf(stderr, "quotematch-lexicon: %s\n", std::string(a.status().message()).c_str());
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  const CoverageReport r = Coverage(**a, en, fa);
  const double ms = Ms(std::chrono::steady_clock::now() - start);
  std::printf("lines: %zu  content tokens: %zu  with an entry: %zu  translation in line: %zu  (%.0f ms)\n",
              r.lines, r.content_tokens, r.with_entry, r.hits, ms);
  std::printf("most frequent misses by category:\n");
  for (size_t i = 0; i < r.misses.size() && i < 10; ++i) {
    std::printf("  %6zu  %5.1f%%  %s\n", r.misses[i].second,
                r.content_tokens ? 100.0 * r.misses[i].second / r.content_tokens : 0.0, r.misses[i].first.c_str());
  }
  std::printf("oov: %.4f hit: %.4f\n", r.oov(), r.hit());
  return 0;
}

int Train(const Options& o) {
  if (o.en.empty() || o.fa.empty()) return Usage("train needs --en FILE and --fa FILE");
  std::vector<std::string> en, fa, texts;
  if (!ReadLines(o.en, &en)) return Usage(StrCat("cannot read ", o.en));
  if (!ReadLines(o.fa, &fa)) return Usage(StrCat("cannot read ", o.fa));
  auto a = LoadAligner(o.positional, &texts);
  if (!a.ok()) {
    std::fprintf(stderr, "quotematch-lexicon: %s\n", std::string(a.status().message()).c_str());
    return 1;
  }
  std::vector<Proposal> proposals = TrainModel1(**a, en, fa, o.train);
  std::string out = StrCat("# Proposed by quotematch-lexicon train (IBM Model 1, ", o.train.iterations,
                           " EM iterations, both directions, intersection) from ", o.en, " + ", o.fa,
                           ".\n# Review every line before adding it to data/lexicon/. Columns: ENGLISH PERSIAN POS "
                           "DOMAIN WEIGHT  # t(f|e) t(e|f) lines\n");
  size_t fresh = 0;
  for (const Proposal& p : proposals) {
    if (p.known) continue;
    ++fresh;
    char probs[96];
    std::snprintf(probs, sizeof(probs), "%.2f\t# t(f|e)=%.3f t(e|f)=%.3f lines=%d", std::sqrt(p.p_fe * p.p_ef),
                  p.p_fe, p.p_ef, p.count);
    out += StrCat(p.english, "\t", p.persian, "\t", p.pos, "\tgeneral\t", probs, "\n");
  }
  out += StrCat("# ", fresh, " new, ", proposals.size() - fresh, " already in the lexicon\n");
  if (o.output.empty()) {
    std::fputs(out.c_str(), stdout);
  } else {
    std::ofstream f(o.output, std::ios::binary);
    f << out;
    if (!f) return Usage(StrCat("cannot write ", o.output));
    std::fprintf(stderr, "wrote %zu proposals to %s\n", fresh, o.output.c_str());
  }
  return 0;
}

}  // namespace
}  // namespace quotematch

int main(int argc, char** argv) {
  using namespace quotematch;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return Usage("missing COMMAND");
  const std::string command = args[0];
  args.erase(args.begin());
  if (command == "-h" || command == "--help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  Options o;
  std::string error;
  if (!ParseOptions(args, &o, &error)) return Usage(error);
  if (command == "validate") return Validate(o);
  if (command == "compile") return Compile(o);
  if (command == "stats") return Stats(o);
  if (command == "lookup") return Lookup(o);
  if (command == "coverage") return CoverageCommand(o);
  if (command == "train") return Train(o);
  return Usage(StrCat("unknown command '", command, "'"));
}
