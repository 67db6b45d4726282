// quotematch-eval extract: the extractor against annotated articles.
//
//   quotematch-eval extract --gold DIR [--verbose]
//
// DIR holds articles `<name>.<en|fa>.txt`, each with `<name>.<en|fa>.gold.tsv`:
// rows KIND <TAB> SPEAKER <TAB> CONTENT in document order, CONTENT one or
// more exact substrings of the article joined by " ||| " (a part that occurs
// more than once is the first occurrence at or after the previous row's
// first part), SPEAKER the canonical name or "-" (examples/extract/README.md).
//
// Figures per language:
//   content token-overlap F1 — words and numbers inside gold content against
//     those inside extracted content, over all articles (micro);
//   speaker accuracy — per gold statement, the extracted statement sharing
//     the most content tokens must have the same speaker (match key; "-" is
//     no speaker); a gold statement found by nothing counts as wrong;
//   kind accuracy — the same, for the statement kind.
// Last line: "en f1 0.xxxx speaker 0.xxxx (n=N) fa f1 0.xxxx speaker 0.xxxx (n=M)".
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "base/file.h"
#include "base/strings.h"
#include "bench/eval.h"
#include "extract/extractor.h"
#include "normalize/normalizer.h"

namespace quotematch::eval {
namespace {

struct GoldRow {
  std::string kind, speaker;
  std::vector<Span> parts;
  int line = 0;
};

// Reads a gold file; on error returns false with `error` naming file:line.
bool ReadGold(const std::string& path, const std::string& text, std::vector<GoldRow>* rows, std::string* error) {
  std::string tsv;
  if (!ReadFileToString(path, &tsv)) {
    *error = path + ": cannot read";
    return false;
  }
  size_t previous = 0;
  int line_no = 0;
  for (const std::string& line : StrSplit(tsv, "\n")) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    const std::vector<std::string> f = StrSplit(line, "\t");
    if (f.size() != 3) {
      *error = StrCat(path, ":", line_no, ": expected 3 fields (KIND, SPEAKER, CONTENT), got ", f.size());
      return false;
    }
    if (f[0] != "direct" && f[0] != "colon" && f[0] != "reported" && f[0] != "according-to") {
      *error = StrCat(path, ":", line_no, ": unknown kind '", f[0], "'");
      return false;
    }
    GoldRow row{f[0], f[1], {}, line_no};
    size_t from = previous;
    for (const std::string& part : StrSplit(f[2], " ||| ")) {
      const size_t at = text.find(part, from);
      if (part.empty() || at == std::string::npos) {
        *error = StrCat(path, ":", line_no, ": content part not found in the article: ", part);
        return false;
      }
      if (row.parts.empty()) previous = at;
      row.parts.push_back({static_cast<uint32_t>(at), static_cast<uint32_t>(at + part.size())});
      from = at + part.size();
    }
    rows->push_back(std::move(row));
  }
  return true;
}

struct Totals {
  size_t gold_tokens = 0, predicted_tokens = 0, overlap = 0;
  size_t statements = 0, speaker_right = 0, kind_right = 0, found = 0, extracted = 0;
  double seconds = 0;
  size_t bytes = 0;
};

}  // namespace

int RunExtractEval(const std::vector<std::string>& args) {
  std::string dir;
  bool verbose = false;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--gold" && i + 1 < args.size()) dir = args[++i];
    else if (args[i] == "--verbose") verbose = true;
    else return Usage(StrCat("extract: unknown argument ", args[i]));
  }
  if (dir.empty()) return Usage("extract: --gold DIR is required");
  std::error_code ec;
  std::vector<std::filesystem::path> articles;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.ends_with(".en.txt") || name.ends_with(".fa.txt")) articles.push_back(e.path());
  }
  if (ec) return Usage(StrCat("extract: cannot read ", dir, ": ", ec.message()));
  std::sort(articles.begin(), articles.end());
  std::map<std::string, Totals> totals;   // by language
  size_t used = 0;
  for (const auto& path : articles) {
    const std::string name = path.filename().string();
    const bool persian = name.ends_with(".fa.txt");
    const Language lang = persian ? Language::kPersian : Language::kEnglish;
    std::string gold_path = path.string();
    gold_path.replace(gold_path.size() - 4, 4, ".gold.tsv");
    if (!std::filesystem::exists(gold_path)) continue;
    std::string text;
    if (!ReadFileToString(path.string(), &text)) return Usage("extract: cannot read " + path.string());
    std::vector<GoldRow> gold;
    std::string error;
    if (!ReadGold(gold_path, text, &gold, &error)) return Usage("extract: " + error);
    ++used;
    Totals& t = totals[persian ? "fa" : "en"];
    const auto t0 = std::chrono::steady_clock::now();
    auto norm = Normalizer::Default().Normalize(text, lang);
    if (!norm.ok()) return Usage(StrCat("extract: ", path.string(), ": ", norm.status().message()));
    Document doc{name, lang, text, std::nullopt, ""};
    const std::vector<Statement> got = Extractor::Default().Extract(doc, *norm);
    t.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    t.bytes += text.size();
    // Token ids inside each gold row and each extracted statement.
    const auto& tokens = norm->tokens;
    auto tokens_in = [&](const std::vector<Span>& parts) {
      std::vector<uint32_t> ids;
      for (uint32_t k = 0; k < tokens.size(); ++k) {
        if (tokens[k].kind != TokenKind::kWord && tokens[k].kind != TokenKind::kNumber) continue;
        for (const Span& p : parts) {
          if (p.Contains(tokens[k].original)) {
            ids.push_back(k);
            break;
          }
        }
      }
      return ids;
    };
    std::vector<std::vector<uint32_t>> gold_ids, got_ids;
    std::vector<bool> gold_tok(tokens.size(), false), got_tok(tokens.size(), false);
    for (const GoldRow& g : gold) {
      gold_ids.push_back(tokens_in(g.parts));
      for (uint32_t k : gold_ids.back()) gold_tok[k] = true;
    }
    for (const Statement& s : got) {
      got_ids.push_back(tokens_in(s.content_parts.empty() ? std::vector<Span>{s.content_span} : s.content_parts));
      for (uint32_t k : got_ids.back()) got_tok[k] = true;
    }
    for (size_t k = 0; k < tokens.size(); ++k) {
      t.gold_tokens += gold_tok[k];
      t.predicted_tokens += got_tok[k];
      t.overlap += gold_tok[k] && got_tok[k];
    }
    t.extracted += got.size();
    for (size_t g = 0; g < gold.size(); ++g) {
      ++t.statements;
      size_t best = 0, best_overlap = 0;
      for (size_t s = 0; s < got.size(); ++s) {
        size_t o = 0;
        for (uint32_t k : gold_ids[g]) o += std::binary_search(got_ids[s].begin(), got_ids[s].end(), k);
        if (o > best_overlap) {
          best_overlap = o;
          best = s;
        }
      }
      const bool found = best_overlap > 0;
      const bool speaker_ok = found && NameKey(gold[g].speaker, lang) == NameKey(got[best].speaker, lang);
      const bool kind_ok = found && gold[g].kind == StatementKindName(got[best].kind);
      t.found += found;
      t.speaker_right += speaker_ok;
      t.kind_right += kind_ok;
      if (verbose && (!speaker_ok || !kind_ok || !found)) {
        std::printf("%s:%d %s | %s", gold_path.c_str(), gold[g].line, gold[g].kind.c_str(), gold[g].speaker.c_str());
        if (found) {
          std::printf("  got %s | %s\n", std::string(StatementKindName(got[best].kind)).c_str(),
                      got[best].speaker.empty() ? "-" : got[best].speaker.c_str());
        } else {
          std::printf("  not found\n");
        }
      }
    }
  }
  if (used == 0) return Usage("extract: no article with a gold file in " + dir);
  std::string last;
  for (const auto& [lang, t] : totals) {
    const double p = t.predicted_tokens ? double(t.overlap) / t.predicted_tokens : 0;
    const double r = t.gold_tokens ? double(t.overlap) / t.gold_tokens : 0;
    const double f1 = p + r > 0 ? 2 * p * r / (p + r) : 0;
    const double speaker = t.statements ? double(t.speaker_right) / t.statements : 0;
    std::printf("%s: statements gold %zu, extracted %zu, found %zu\n", lang.c_str(), t.statements, t.extracted, t.found);
    std::printf("%s: content tokens precision %.4f recall %.4f f1 %.4f\n", lang.c_str(), p, r, f1);
    std::printf("%s: speaker accuracy %.4f, kind accuracy %.4f\n", lang.c_str(), speaker,
                t.statements ? double(t.kind_right) / t.statements : 0);
    std::printf("%s: time %.1f ms for %zu bytes (normalization included)\n", lang.c_str(), t.seconds * 1000, t.bytes);
    char line[160];
    std::snprintf(line, sizeof line, "%s%s f1 %.4f speaker %.4f (n=%zu)", last.empty() ? "" : " ", lang.c_str(), f1,
                  speaker, t.statements);
    last += line;
  }
  std::printf("%s\n", last.c_str());
  return 0;
}

}  // namespace quotematch::eval
