// quotematch-eval: evaluation tools that print figures.
//
//   quotematch-eval normalize --cases FILE.tsv [--verbose]
//       agreement with other normalizers' test cases (bench/eval_normalize.cc)
//   quotematch-eval retrieval --en FILE --fa FILE
//   quotematch-eval docalign --en FILE --fa FILE --docs FILE [...]
//       the aligner on line-aligned parallel text (bench/eval_align.cc)
//   quotematch-eval extract --gold DIR [--verbose]
//       the extractor on annotated articles (bench/eval_extract.cc)
#include <cstdio>
#include <string>
#include <vector>

#include "bench/eval.h"

namespace quotematch::eval {

constexpr char kUsage[] = R"usage(usage: quotematch-eval COMMAND [ARGS]

Commands:
  normalize --cases FILE.tsv [--verbose]
      run our normalizer on peer normalizers' test cases; prints agreement per
      peer and per feature tag, conventions and unsupported functions, and a
      last line "agreement: 0.xxxx (n=N)"
  retrieval --en FILE --fa FILE [--weight NAME=VALUE ...]
      line-aligned parallel files: every English line searched among all
      Persian lines and vice versa; prints the time and a last line
      "p@1 en->fa 0.xxxx fa->en 0.xxxx (n=N)"
  docalign --en FILE --fa FILE --docs FILE [--doc-column K] [--skip-header]
           [--drop 0.2] [--merge 0.1] [--seed S] [--min-score 0.5] [--calibrate]
           [--weight NAME=VALUE ...]
      consecutive lines with the same id in column K of --docs form a
      document; drops sentences on each side, merges adjacent English pairs,
      aligns each document pair; prints precision, recall and "f1: 0.xxxx";
      --calibrate also fits the score's calibration to the gold links
  extract --gold DIR [--verbose]
      articles NAME.en.txt / NAME.fa.txt with NAME.*.gold.tsv annotations
      (examples/extract/README.md); prints content token precision, recall
      and F1, speaker and kind accuracy per language, and a last line
      "en f1 0.xxxx speaker 0.xxxx (n=N) fa f1 0.xxxx speaker 0.xxxx (n=M)";
      --verbose lists the statements whose speaker or kind is wrong
  --weight NAME=VALUE overrides one score parameter (align/aligner.h
  ScoreWeights: bias, coverage_en, coverage_fa, per_name, per_number,
  number_conflict, length, speaker, margin_k), for tuning

Exit codes: 0 success, 2 usage or input error.
)usage";

int Usage(const std::string& error) {
  std::fprintf(stderr, "quotematch-eval: %s\n\n%s", error.c_str(), kUsage);
  return 2;
}

}  // namespace quotematch::eval

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return quotematch::eval::Usage("missing COMMAND");
  std::string command = args[0];
  args.erase(args.begin());
  if (command == "-h" || command == "--help") {
    std::fputs(quotematch::eval::kUsage, stdout);
    return 0;
  }
  if (command == "normalize") return quotematch::eval::RunNormalizeEval(args);
  if (command == "retrieval") return quotematch::eval::RunRetrievalEval(args);
  if (command == "docalign") return quotematch::eval::RunDocAlignEval(args);
  if (command == "extract") return quotematch::eval::RunExtractEval(args);
  return quotematch::eval::Usage("unknown command '" + command + "'");
}
